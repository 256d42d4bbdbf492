import { describe, expect, it } from "vitest";
import { UsageError } from "../exit-codes.js";
import { parseProxyUrl, readProxySettings } from "./proxy-settings.js";

describe("a proxy URL", () => {
  it("takes the Python client's http_proxy form: [user:pass@]host[:port], port 8080 by default, split at the last @", () => {
    expect(parseProxyUrl("proxy.studio", "--proxy")).toEqual({ display: "http://proxy.studio:8080", source: "--proxy", hasCredentials: false });
    const python = parseProxyUrl("ann:p@ss:w@proxy.studio:3128", "SG_PROXY");
    expect(python).toEqual({ display: "http://proxy.studio:3128", source: "SG_PROXY", hasCredentials: true });
    expect(python.authorization).toBe(`Basic ${Buffer.from("ann:p@ss:w").toString("base64")}`);
  });

  it("keeps a scheme's own default port, decodes percent-encoding, and never shows the login in its fields", () => {
    const https = parseProxyUrl("https://ann:s%2Fcret@proxy.studio", "HTTPS_PROXY");
    expect(https.display).toBe("https://proxy.studio");
    expect(https.authorization).toBe(`Basic ${Buffer.from("ann:s/cret").toString("base64")}`);
    expect(JSON.stringify(https)).not.toContain("cret");
    expect(https.secrets).toContain("s/cret");
  });

  it("is a usage error for other schemes, paths and bad ports, naming where it came from and hiding the login", () => {
    for (const [value, source] of [["socks5://ann:pw-123@h:1", "--proxy"], ["http://ann:pw-123@h/x", "HTTPS_PROXY"], ["ann:pw-123@h:99999", "SG_PROXY"]] as const) {
      const error = (() => {
        try {
          parseProxyUrl(value, source);
        } catch (e) {
          return e;
        }
      })();
      expect(error, value).toBeInstanceOf(UsageError);
      expect((error as UsageError).message.startsWith(`${source} must be`)).toBe(true);
      expect((error as UsageError).message).not.toContain("pw-123");
    }
  });
});

describe("the proxy settings", () => {
  it("take --proxy over SG_PROXY over the environment, and read lower case first", () => {
    const env = { SG_PROXY: "http://sg:1", https_proxy: "http://lower:2", HTTPS_PROXY: "http://upper:3", HTTP_PROXY: "http://plain:4", NO_PROXY: ".studio" };
    expect(readProxySettings("http://flag:5", env).explicit?.display).toBe("http://flag:5");
    expect(readProxySettings(undefined, env).explicit?.display).toBe("http://sg:1");
    const fromEnv = readProxySettings(undefined, { ...env, SG_PROXY: "" });
    expect([fromEnv.explicit, fromEnv.https?.display, fromEnv.http?.display, fromEnv.noProxySource]).toEqual([undefined, "http://lower:2", "http://plain:4", "NO_PROXY"]);
  });
});
