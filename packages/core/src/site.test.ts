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

  it("refuses other schemes, garbage, and plain http to a remote host", () => {
    for (const bad of ["file:///etc/passwd", "ftp://x", "not a url", "", 42]) expect(() => parseSite(bad)).toThrow(SgValidationError);
    expect(() => parseSite("http://studio.example.com")).toThrow(/plain http sends credentials in clear text/);
    expect(parseSite("http://studio.example.com", { allowInsecureHttp: true }).insecure).toBe(true);
    expect(parseSite("http://127.0.0.1:8080").insecure).toBe(true);
    expect(parseSite("http://localhost:1").hostname).toBe("localhost");
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
