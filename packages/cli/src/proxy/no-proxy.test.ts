import { describe, expect, it } from "vitest";
import { isLoopback, matchNoProxy, parseNoProxy } from "./no-proxy.js";

const matches = (noProxy: string, url: string): string | undefined => matchNoProxy(parseNoProxy(noProxy), new URL(url))?.text;

describe("NO_PROXY", () => {
  it("matches a host and the names under it, with or without a leading '.' or '*.'", () => {
    for (const entry of ["studio.local", ".studio.local", "*.studio.local"]) {
      expect(matches(entry, "https://sg.studio.local/"), entry).toBe(entry);
      expect(matches(entry, "https://studio.local/"), entry).toBe(entry);
      expect(matches(entry, "https://notstudio.local/"), entry).toBeUndefined();
    }
  });

  it("takes commas and spaces, '*', ports and IP addresses (IPv6 in brackets or bare)", () => {
    expect(matches(" a.example , b.example  c.example", "https://x.c.example/")).toBe("c.example");
    expect(matches("*", "https://anything.example/")).toBe("*");
    expect(matches("sg.example:8443", "https://sg.example:8443/")).toBe("sg.example:8443");
    expect(matches("sg.example:8443", "https://sg.example/")).toBeUndefined();
    expect(matches("sg.example:443", "https://sg.example/")).toBe("sg.example:443");
    expect(matches("10.1.2.3", "http://10.1.2.3:8080/")).toBe("10.1.2.3");
    expect(matches("[fd00::1]:443", "https://[fd00::1]/")).toBe("[fd00::1]:443");
    expect(matches("fd00::1", "https://[fd00::1]/")).toBe("fd00::1");
    expect(matches("", "https://sg.example/")).toBeUndefined();
  });

  it("reads a name with one trailing '.' as the name, in the entry and in the URL, and IPv6 addresses in any spelling", () => {
    expect(matches(".studio.test", "https://sg.studio.test./shotgrid")).toBe(".studio.test");
    expect(matches("sg.studio.local.", "https://sg.studio.local/")).toBe("sg.studio.local.");
    expect(matches("studio.local.", "https://sg.studio.local./")).toBe("studio.local.");
    expect(matches("studio.local..", "https://sg.studio.local/")).toBeUndefined();
    expect(matches("2001:0db8::1", "https://[2001:db8::1]/")).toBe("2001:0db8::1");
    expect(matches("[2001:DB8:0::1]:443", "https://[2001:db8::1]/")).toBe("[2001:DB8:0::1]:443");
    expect(matches("2001:db8::1", "https://[2001:db8::2]/")).toBeUndefined();
  });

  it("takes IPv4 ranges (10.0.0.0/8), and never matches an address by its ending", () => {
    expect(matches("10.0.0.0/8", "https://10.1.2.3/")).toBe("10.0.0.0/8");
    expect(matches("10.0.0.0/8", "https://11.0.0.1/")).toBeUndefined();
    expect(matches("192.168.1.0/24", "http://192.168.1.77:8080/")).toBe("192.168.1.0/24");
    expect(matches("192.168.1.0/24", "http://192.168.2.1/")).toBeUndefined();
    expect(matches("0.0.0.0/0", "http://203.0.113.9/")).toBe("0.0.0.0/0");
    expect(matches("10.1.2.3/32", "http://10.1.2.3/")).toBe("10.1.2.3/32");
    expect(matches("10.0.0.0/40", "http://10.1.2.3/")).toBeUndefined();
    expect(matches("10.0.0.0/8", "https://ten.example/")).toBeUndefined();
    expect(matches("2.3", "http://10.1.2.3/")).toBeUndefined();
    expect(matches("1.2.3", "http://10.1.2.3/")).toBeUndefined();
  });
});

describe("loopback", () => {
  it("is localhost, 127.0.0.0/8, ::1 and IPv4-mapped 127.x, nothing else", () => {
    for (const url of ["http://localhost:1/", "http://api.localhost/", "http://127.0.0.1/", "http://127.9.8.7/", "http://[::1]:8000/", "http://[::ffff:127.0.0.1]/", "http://localhost.:8000/", "http://api.localhost./"]) expect(isLoopback(new URL(url)), url).toBe(true);
    for (const url of ["http://10.0.0.1/", "http://localhost.example/", "http://128.0.0.1/", "http://[::2]/", "http://[::ffff:10.0.0.1]/", "http://localhost../"]) expect(isLoopback(new URL(url)), url).toBe(false);
  });
});
