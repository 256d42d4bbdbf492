/**
 * `sg login --browser` opens the approval URL without a shell: on Windows `cmd /c start "" <url>` let `&`, `|`, `^`
 * and `%VAR%` in a URL the site returned reach cmd.exe. Windows cannot run here, so the win32 case is checked on the
 * command that would be spawned (an injected spawner); the POSIX case runs the built `sg` with a stand-in
 * `xdg-open` on PATH that records its arguments.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { browserCommand, openInBrowser, type Spawner } from "./open-browser.js";
import { startLoopbackSite } from "./test-support/loopback-site.js";
import { sgRunner } from "./test-support/run-sg.js";

const HOSTILE = "http://127.0.0.1:8080/app_session_request/7?x=1&calc.exe|whoami^%COMSPEC%";

/** What `openInBrowser` would spawn on `platform`. */
function spawnedOn(platform: NodeJS.Platform, url: string): { command: string; args: readonly string[] }[] {
  const spawned: { command: string; args: readonly string[] }[] = [];
  const run: Spawner = (command, args) => {
    spawned.push({ command, args });
    return { on: () => undefined, unref: () => undefined };
  };
  openInBrowser(url, platform, run);
  return spawned;
}

describe("openInBrowser", () => {
  it("on win32 runs no shell: rundll32's URL handler gets the URL as one argument, as it is", () => {
    const spawned = spawnedOn("win32", HOSTILE);
    expect(spawned).toEqual([{ command: "rundll32", args: ["url.dll,FileProtocolHandler", HOSTILE] }]);
    expect(spawned.map((s) => s.command.toLowerCase())).not.toContain("cmd");
    // Node quotes an argument only when it holds a space, tab or quote: the URL must hold none, or rundll32 would
    // pass the quotes on. URL() percent-encodes them.
    expect(browserCommand('http://site.test/a b"c', "win32")[1]).toEqual(["url.dll,FileProtocolHandler", "http://site.test/a%20b%22c"]);
  });

  it("uses open on macOS and xdg-open elsewhere, the URL as one argument", () => {
    expect(spawnedOn("darwin", HOSTILE)).toEqual([{ command: "open", args: [HOSTILE] }]);
    expect(spawnedOn("linux", HOSTILE)).toEqual([{ command: "xdg-open", args: [HOSTILE] }]);
  });
});

describe("sg login --browser and the approval URL the site returns", () => {
  const runner = sgRunner();
  const bin = mkdtempSync(join(tmpdir(), "sg-open-"));
  const record = join(bin, "opened.txt");
  // A stand-in xdg-open that writes each argument on a line of its own.
  writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> '${record}'; done\n`);
  chmodSync(join(bin, "xdg-open"), 0o755);
  afterAll(() => {
    runner.cleanup();
    rmSync(bin, { recursive: true, force: true });
  });

  /**
   * A site whose approval request points at `approvalUrl(site)` and whose polls say "denied" (404), once the
   * stand-in xdg-open has written its record (or after 20 s), so that sg does not end before it was run.
   */
  const siteWithApprovalAt = (approvalUrl: (site: string) => string): ReturnType<typeof startLoopbackSite> => {
    let url = "";
    const started = startLoopbackSite((_body, res, req) => {
      if (req.method === "POST" && req.url === "/internal_api/app_session_request") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ sessionRequestId: 7, url: approvalUrl(url) }));
        return;
      }
      const deny = (tries: number): void => {
        if (req.method === "PUT" && !existsSync(record) && tries > 0) return void setTimeout(() => deny(tries - 1), 100);
        res.writeHead(404);
        res.end();
      };
      deny(200);
    });
    return started.then((site) => ((url = site.url), site));
  };

  it("refuses one on another origin: exit non-zero, the URL neither printed nor opened", async () => {
    rmSync(record, { force: true });
    const site = await siteWithApprovalAt(() => "http://evil.test/app_session_request/7?x=1&calc.exe");
    try {
      const r = await runner.run(["login", "--browser", "--site", site.url], { PATH: `${bin}:${process.env["PATH"] ?? ""}` });
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toContain(`the approval URL the site returned is not on the site's origin ${site.url}: got http://evil.test/app_session_request/<id>`);
      expect(r.stderr).not.toContain("calc.exe");
      expect(r.stderr).not.toContain("Approve this login");
      expect(existsSync(record)).toBe(false);
    } finally {
      await site.close();
    }
  });

  it("opens one on the site's origin, its query (& | ^ %) as one argument", async () => {
    rmSync(record, { force: true });
    const site = await siteWithApprovalAt((url) => `${url}/app_session_request/7?x=1&calc.exe|whoami^%25COMSPEC%25`);
    try {
      const r = await runner.run(["login", "--browser", "--site", site.url], { PATH: `${bin}:${process.env["PATH"] ?? ""}` });
      // Denied at the first poll, once the URL was opened.
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toContain("Approve this login in your browser");
      expect(readFileSync(record, "utf8")).toBe(`${site.url}/app_session_request/7?x=1&calc.exe|whoami^%25COMSPEC%25\n`);
    } finally {
      await site.close();
    }
  });
});
