import { createServer, type AddressInfo } from "node:net";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner } from "./test-support/run-sg.js";
import { startTlsTerminator, type TlsTerminator } from "./test-support/tls-terminator.js";

const runner = sgRunner();
const sg = runner.run;

let site: EmulatorHandle;
let tls: TlsTerminator;
let script: Record<string, string> = {};

beforeAll(async () => {
  site = await startEmulator({});
  tls = await startTlsTerminator(Number(new URL(site.url).port));
  script = { SG_SCRIPT_NAME: site.card.scripts[0]?.name ?? "", SG_SCRIPT_KEY: site.card.scripts[0]?.key ?? "" };
});

afterAll(async () => {
  await Promise.all([site?.close(), tls?.close()]);
  runner.cleanup();
});

/** The transport's own words for a library user, which a command line has no way to act on. */
const LIBRARY_TERMS = /dispatcher|new Agent|from undici|timeoutMs|deadlineMs/;

describe("a TLS failure's hint speaks the command line's terms", () => {
  it("https:// to a port that serves plain http: says so and how to name it, in flags", async () => {
    const https = site.url.replace("http://", "https://");
    const r = await sg(["whoami", "--site", https], script);
    expect(r.code).toBe(5);
    const hints = r.stderr.split("\n").filter((l) => l.startsWith("hint: "));
    expect(hints).toEqual([
      `hint: Nothing at ${https} answered with TLS: that port probably serves plain http. Use the site's https:// port, or --site ${site.url} (with --allow-http unless the host is loopback).`,
    ]);
    expect(r.stderr).not.toMatch(LIBRARY_TERMS);
    const doctor = await sg(["doctor", "--site", https], script);
    expect(doctor.code).toBe(7);
    expect(doctor.stdout).toContain(`fix: Nothing at ${https} answered with TLS`);
    expect(doctor.stdout).not.toMatch(LIBRARY_TERMS);
  });

  it("a certificate that is not trusted: NODE_EXTRA_CA_CERTS, with which the same site works", async () => {
    // The endpoint's certificate is self-signed for studio.test; 127.0.0.1 reaches it without DNS.
    const r = await sg(["whoami", "--site", `https://127.0.0.1:${tls.port}`], script);
    expect(r.code).toBe(5);
    const hints = r.stderr.split("\n").filter((l) => l.startsWith("hint: "));
    expect(hints).toEqual([
      "hint: The site's certificate was not accepted. If a private CA signed it, run sg with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (that CA, PEM) in the environment; check that --site names the host the certificate is for.",
    ]);
    expect(r.stderr).not.toMatch(LIBRARY_TERMS);
    // The fix the hint gives works: trusted, the same site answers.
    const trusted = await sg(["whoami", "--site", `https://127.0.0.1:${tls.port}`], { ...script, NODE_EXTRA_CA_CERTS: tls.caFile });
    expect(trusted.code, trusted.stderr).toBe(0);
    // Trusted but for other names than the one in --site: the same hint, which says to check the host.
    const wrongHost = await sg(["whoami", "--site", `https://localhost:${tls.port}`], { ...script, NODE_EXTRA_CA_CERTS: tls.caFile });
    expect(wrongHost.code).toBe(5);
    expect(wrongHost.stderr).toContain("hint: The site's certificate was not accepted.");
    expect(wrongHost.stderr).not.toMatch(LIBRARY_TERMS);
  });

  it("http:// to a port that speaks TLS: says to use https://, in flags", async () => {
    const http = `http://127.0.0.1:${tls.port}`;
    const r = await sg(["whoami", "--site", http], script);
    expect(r.code).toBe(5);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("hint: "))).toEqual([`hint: ${http} answered with TLS: that port speaks https. Use --site https://127.0.0.1:${tls.port}.`]);
    expect(r.stderr).not.toMatch(LIBRARY_TERMS);
  });

  it("a port fetch refuses keeps the transport's hint, which names the port and no library option", async () => {
    const r = await sg(["whoami", "--site", "http://127.0.0.1:6000"], script);
    expect(r.code).toBe(5);
    const hints = r.stderr.split("\n").filter((l) => l.startsWith("hint: "));
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(/^hint: Nothing was sent: fetch refuses this port .*Check the port in the site URL\.$/);
  });

  it("a connection refused: nothing was sent, check --site, and how to give a proxy", async () => {
    // A port that was free a moment ago (port 1 would be one fetch refuses outright).
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const closed = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    const r = await sg(["whoami", "--site", closed], script);
    expect(r.code).toBe(5);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("hint: "))).toEqual([
      `hint: Nothing was sent. Check --site (${closed}), DNS and the network. sg used no proxy (no --proxy, SG_PROXY or HTTPS_PROXY/HTTP_PROXY set); behind one, give it with --proxy http://host:port or HTTPS_PROXY.`,
    ]);
  });
});
