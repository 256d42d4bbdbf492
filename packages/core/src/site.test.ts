import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { SgValidationError } from "./errors.js";
import { parseSite } from "./site.js";

describe("parseSite", () => {
  it("keeps a base path and lower-cases the host", () => {
    const s = parseSite("https://Studio.Example.com/sg/");
    expect(s).toMatchObject({ href: "https://studio.example.com/sg", origin: "https://studio.example.com", basePath: "/sg", insecure: false });
    expect(parseSite("https://studio.example.com").basePath).toBe("");
  });

  it("a host without a scheme: the hint names https:// and the input as given (a base path and port kept)", () => {
    for (const [given, url] of [
      ["mystudio.example.com", "https://mystudio.example.com"],
      [" mystudio.example.com/page/12 ", "https://mystudio.example.com/page/12"],
      ["mystudio.example.com/shotgrid", "https://mystudio.example.com/shotgrid"],
      ["mystudio.example.com:8443", "https://mystudio.example.com:8443"],
      ["10.0.0.5:8080", "https://10.0.0.5:8080"],
      ["studio.com/sg", "https://studio.com/sg"],
      // A loopback host (the emulator's) is named with plain http://, which parseSite takes for it.
      ["localhost:3000", "http://localhost:3000"],
      ["localhost", "http://localhost"],
      ["LocalHost:3000/sg", "http://LocalHost:3000/sg"],
      ["127.0.0.1:3000", "http://127.0.0.1:3000"],
      ["[::1]:3000", "http://[::1]:3000"],
      // The RPC endpoint or the REST API's root, copied with the host, is left out: the suggestion is the site's root.
      ["studio.example.com/api3/json", "https://studio.example.com"],
      ["studio.example.com/sg/api3", "https://studio.example.com/sg"],
      ["studio.example.com/api/v1", "https://studio.example.com"],
      ["studio.example.com/API/v1.1/", "https://studio.example.com"],
      ["localhost:3000/api3/json", "http://localhost:3000"],
    ] as const) {
      expect(() => parseSite(given), given).toThrow(expect.objectContaining({ hint: `Pass ${url}.` }));
      // What the hint names is taken.
      expect(parseSite(url).href, given).toBe(url.replace(/\/$/, "").replace("LocalHost", "localhost"));
    }
    // Not a host: a file name, words, a query (it may hold a secret) or user info; nor a path with a `;` or `=`
    // (a session id in a page's URL: the hint would echo what the message's `received` cuts).
    for (const other of ["not a url", "file.txt", "mystudio.example.com/x?token=abc", "ftp://x", "file:///etc/passwd", "studio.example.com/sg;jsessionid=ABCDEF123456", "studio.example.com/page/token=Zq9v8XkLmN2pQrSt", "localhost:3000/a=b"]) {
      expect(() => parseSite(other), other).toThrow(expect.objectContaining({ hint: undefined }));
    }
  });

  it("refuses other schemes, garbage, and plain http to a remote host", () => {
    for (const bad of ["file:///etc/passwd", "ftp://x", "not a url", "", 42]) expect(() => parseSite(bad)).toThrow(SgValidationError);
    expect(() => parseSite("http://studio.example.com")).toThrow(/plain http sends credentials in clear text/);
    expect(parseSite("http://studio.example.com", { allowInsecureHttp: true }).insecure).toBe(true);
    expect(parseSite("http://127.0.0.1:8080").insecure).toBe(true);
    expect(parseSite("http://localhost:1").hostname).toBe("localhost");
    // The fully qualified form (a single trailing dot) is the same loopback host; another dot is not.
    expect(parseSite("http://localhost.:1").insecure).toBe(true);
    expect(() => parseSite("http://localhost..:1")).toThrow(/plain http/);
    expect(() => parseSite("http://localhost.example:1")).toThrow(/plain http/);
  });

  it("turns URL credentials into a hidden Basic header (test vector of the Python client)", () => {
    const s = parseSite("https://thelogin:%25thepassw0r%23$@site.example.com");
    expect(s.basicAuth).toBe("Basic dGhlbG9naW46JXRoZXBhc3N3MHIjJA==");
    expect(s.href).toBe("https://site.example.com");
    expect(inspect(s)).not.toContain("Basic");
    expect(JSON.stringify(s)).not.toContain("thepassw0r");
    expect(parseSite("https://12345XYZ@site.example.com").basicAuth).toBe(`Basic ${Buffer.from("12345XYZ").toString("base64")}`);
    // a '%' that starts no escape is kept as it is (Python's unquote), not a URIError
    const stray = parseSite("https://thelogin:%thepassw0r@site.example.com");
    expect(stray.basicAuth).toBe(`Basic ${Buffer.from("thelogin:%thepassw0r").toString("base64")}`);
    expect(parseSite("https://caf%C3%A9:100%25%zz@site.example.com").basicAuth).toBe(`Basic ${Buffer.from("café:100%%zz").toString("base64")}`);
  });

  it("keeps the Basic value and the password out of every own key and of util.inspect, showHidden and getters included", () => {
    const s = parseSite("https://proxyuser:Pr0xy-s3cret@site.example.com");
    const header = `Basic ${Buffer.from("proxyuser:Pr0xy-s3cret").toString("base64")}`;
    // What the transport and the auth packages read is still there…
    expect([s.basicAuth, s.basicAuthSecret]).toEqual([header, "Pr0xy-s3cret"]);
    // …and nothing that lists or prints the object reaches it.
    expect(Reflect.ownKeys(s)).toEqual(["href", "origin", "basePath", "hostname", "insecure"]);
    expect(Object.getOwnPropertyNames(s)).not.toContain("basicAuth");
    const printed = [inspect(s), inspect(s, { showHidden: true }), inspect(s, { showHidden: true, getters: true, depth: 9 }), inspect({ site: s }, { showHidden: true, getters: true }), JSON.stringify(s)];
    for (const text of printed) {
      expect(text).not.toContain("Pr0xy-s3cret");
      expect(text).not.toContain(header.slice(6));
      expect(text).not.toContain("basicAuth");
    }
    // Still a plain object to those who compare it, and a site without credentials has none.
    expect(s).toStrictEqual({ href: "https://site.example.com", origin: "https://site.example.com", basePath: "", hostname: "site.example.com", insecure: false });
    expect(Object.isFrozen(s)).toBe(true);
    expect(parseSite("https://site.example.com").basicAuth).toBeUndefined();
  });

  it("refuses the RPC endpoint copied as the site (it would be doubled), naming the root to pass instead", () => {
    const cases = [
      ["https://studio.shotgrid.autodesk.com/api3/json", "/api3/json", "https://studio.shotgrid.autodesk.com"],
      ["https://Studio.Example.com/api3/json/", "/api3/json", "https://studio.example.com"],
      ["https://studio.example.com/api3", "/api3", "https://studio.example.com"],
      ["https://studio.example.com/sg/API3/JSON", "/API3/JSON", "https://studio.example.com/sg"],
      ["https://bob:hunter22@studio.example.com:8443/api3/json", "/api3/json", "https://studio.example.com:8443"],
      // The REST API's root, copied from its docs, is no site either.
      ["https://studio.example.com/api/v1", "/api/v1", "https://studio.example.com"],
      ["https://studio.example.com/api/v1.1/", "/api/v1.1", "https://studio.example.com"],
      ["https://studio.example.com/sg/API/V1", "/API/V1", "https://studio.example.com/sg"],
    ] as const;
    for (const [input, suffix, root] of cases) {
      let error: unknown;
      try {
        parseSite(input, { prefix: "@sg/test" });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SgValidationError);
      expect(error).toMatchObject({ path: ["site"], received: `one ending in ${suffix}`, hint: `Pass ${root}: the client adds /api3/json.` });
      expect((error as Error).message).toMatch(/^@sg\/test: site: expected the site's root URL, got one ending in \//);
      expect(String(error)).not.toContain("hunter22");
    }
    // Only the endpoint itself: a base path that merely contains the name is a base path.
    expect(parseSite("https://studio.example.com/api3json").basePath).toBe("/api3json");
    expect(parseSite("https://studio.example.com/api3/sg").basePath).toBe("/api3/sg");
    expect(parseSite("https://studio.example.com/myapi3").basePath).toBe("/myapi3");
    for (const path of ["/api", "/api/v12", "/api/v1x", "/api/v2", "/myapi/v1", "/api/v1/sg"]) expect(parseSite(`https://studio.example.com${path}`).basePath).toBe(path);
  });

  it("never echoes URL credentials in its errors", () => {
    let error: unknown;
    try {
      parseSite("ftp://bob:hunter22@x");
    } catch (e) {
      error = e;
    }
    // Without this the test passed when parseSite accepted the URL and nothing was checked at all.
    expect(error).toBeInstanceOf(SgValidationError);
    expect(String(error)).not.toContain("hunter22");
  });
});
