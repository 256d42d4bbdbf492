/**
 * An HTTP 401, which the site's API never answers itself: a gate in front of it wants an HTTP login. The hint says
 * whether `--site` gave one (then it was refused) or not, and the login never appears in any output.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;
/** The gate's password as given in the site URL: a marker that must never be printed. */
const PASSWORD = "gate-Pw-7f3a9c";
const SCRIPT = { SG_SCRIPT_NAME: "pipeline", SG_SCRIPT_KEY: "0123456789abcdef0123456789abcdef" };

/** A gate that answers every request 401, and the `Authorization` headers it was sent. */
let gate: Server;
let port = 0;
const authorizations: (string | undefined)[] = [];

beforeAll(async () => {
  gate = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    req.resume();
    res.writeHead(401, { "www-authenticate": 'Basic realm="gate"', "content-type": "text/plain" }).end("Unauthorized");
  });
  await new Promise<void>((resolve) => gate.listen(0, "127.0.0.1", resolve));
  port = (gate.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => gate?.close(resolve));
  runner.cleanup();
});

const ASKED = (source: string): string =>
  `hint: A gate in front of the site (a basic-auth login or a reverse proxy; the ShotGrid API itself refuses credentials with a fault, not with HTTP 401) asked for a login. If the site is behind one, give its user name and password in ${source} (as user:password@ before the host).`;
const REFUSED = (source: string): string =>
  `hint: A gate in front of the site (a basic-auth login or a reverse proxy; the ShotGrid API itself refuses credentials with a fault, not with HTTP 401) refused the user name and password given in ${source} (as user:password@ before the host). Check them (sg does not show them), or ask whoever runs the gate.`;

/** The `hint:` lines of a run's stderr. */
function hints(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.startsWith("hint: "));
}

describe("HTTP 401 from a gate in front of the site", () => {
  it("without a login in --site: asks for one there, exit 3", async () => {
    const site = `http://127.0.0.1:${port}`;
    const r = await sg(["find", "Shot", "--site", site], SCRIPT);
    expect(r.code, r.stderr).toBe(3);
    expect(hints(r.stderr)).toEqual([ASKED("--site")]);
    expect(r.stderr).not.toContain("[REDACTED]");
    const doctor = await sg(["doctor", "--site", site], SCRIPT);
    expect(doctor.code, doctor.stdout).toBe(7);
    expect(doctor.stdout).toContain(`fix: ${ASKED("--site").slice("hint: ".length)}`);
  });

  it("with a login in the site URL: says it was refused, names where it came from, and never shows it", async () => {
    const site = `http://gate:${PASSWORD}@127.0.0.1:${port}`;
    const before = authorizations.length;
    const runs = [
      { run: await sg(["find", "Shot", "--site", site], SCRIPT), source: "--site" },
      { run: await sg(["create", "Shot", '{"code": "GATED"}', "--site", site], SCRIPT), source: "--site" },
      { run: await sg(["count", "Shot", "--debug"], { ...SCRIPT, SG_SITE: site }), source: "SG_SITE" },
    ];
    for (const { run, source } of runs) {
      expect(run.code, run.stderr).toBe(3);
      expect(hints(run.stderr)).toEqual([REFUSED(source)]);
    }
    const doctor = await sg(["doctor", "--site", site, "--format", "json"], SCRIPT);
    expect(doctor.code, doctor.stdout).toBe(7);
    const info = (JSON.parse(doctor.stdout) as { checks: { name: string; fix?: string; problem?: string }[] }).checks.find((c) => c.name === "info");
    expect(info?.fix).toBe(REFUSED("--site").slice("hint: ".length));
    // Its own problem id, so a script can tell a gate's login from a site that does not answer.
    expect(info?.problem).toBe("http-login");
    // The gate was sent the login (and refused it), which no output shows, as itself or as its header value.
    const header = `Basic ${Buffer.from(`gate:${PASSWORD}`).toString("base64")}`;
    expect(authorizations.slice(before)).toContain(header);
    for (const text of [...runs.flatMap(({ run }) => [run.stdout, run.stderr]), doctor.stdout, doctor.stderr]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(header.slice("Basic ".length));
    }
  });
});
