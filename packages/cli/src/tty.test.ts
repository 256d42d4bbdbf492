import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@sg/core";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";
import { scriptAuth } from "@sg/auth-script";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `sg` on a real terminal: util-linux `script` gives the process a pseudo-terminal, so stdout, stderr and
// stdin are TTYs exactly as in a person's shell. What `script` records is everything the terminal showed.
const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, "../dist/bin.js");
const configDir = mkdtempSync(join(tmpdir(), "sg-cli-tty-"));
const hasScript = (() => {
  try {
    return statSync("/usr/bin/script").isFile();
  } catch {
    return false;
  }
})();

interface Session {
  readonly code: number | null;
  readonly screen: string;
  /** What the terminal had shown when each answer was typed, in order. */
  readonly typedOn: readonly string[];
}

/**
 * Run `sg args` on a pseudo-terminal. `answers` are typed in order, each once the screen shows its prompt (and,
 * when the answer gives one, that many milliseconds later: a person looking for their phone).
 */
function onTerminal(args: readonly string[], env: Record<string, string>, answers: readonly (readonly [RegExp, string, number?])[] = [], stdoutFile?: string, stderrFile?: string): Promise<Session> {
  const quote = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`;
  // With `stdoutFile`, stdout goes to that file (as in `sg find … > out.jsonl`) and only stderr is the terminal;
  // `stderrFile` likewise for stderr (`2> err.log`).
  const quoted = [process.execPath, BIN, ...args].map(quote).join(" ") + (stdoutFile ? ` > ${quote(stdoutFile)}` : "") + (stderrFile ? ` 2> ${quote(stderrFile)}` : "");
  return new Promise((resolvePromise, reject) => {
    const child = spawn("/usr/bin/script", ["-qfec", quoted, "/dev/null"], {
      env: { PATH: process.env["PATH"] ?? "", HOME: configDir, SG_CONFIG_DIR: configDir, TERM: "xterm", COLUMNS: "100", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let screen = "";
    let next = 0;
    const typedOn: string[] = [];
    const onData = (d: Buffer): void => {
      screen += d.toString();
      const answer = answers[next];
      if (answer && answer[0].test(screen)) {
        next += 1;
        // Type the answer a moment after the prompt shows, as a person (or a paste) would.
        setTimeout(() => {
          typedOn.push(screen);
          child.stdin.write(`${answer[1]}\r`);
        }, answer[2] ?? 50);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    // A run that waits for what never comes (a question the screen does not show) ends, failing its test, not the suite.
    const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolvePromise({ code, screen, typedOn });
    });
  });
}

let site: EmulatorHandle;
let identity: EmulatorHandle;

beforeAll(async () => {
  [site, identity] = await Promise.all([startEmulator({ rows: 600, pageSize: 50 }), startEmulator({ authMode: "identity" })]);
});

afterAll(async () => {
  await Promise.all([site?.close(), identity?.close()]);
  rmSync(configDir, { recursive: true, force: true });
});

describe.skipIf(!hasScript)("sg on a terminal", () => {
  it("draws a progress line while --all streams pages, and prints a table", async () => {
    const script = site.card.scripts[0]!;
    const env = { SG_SITE: site.url, SG_SCRIPT_NAME: script.name, SG_SCRIPT_KEY: script.key };
    const run = await onTerminal(["find", "Shot", "--all", "--fields", "code", "--concurrency", "4"], env);
    expect(run.code, run.screen).toBe(0);
    expect(run.screen).toMatch(/rows\/s/);
    expect(run.screen).toMatch(/\bcode\b/);
    expect(run.screen).not.toContain(script.key);
  });

  it("draws no total for --retired: the count of active rows is not the number of retired ones", async () => {
    // Its own site, so the rows retired here change no other test's.
    const own = await startEmulator({ rows: 300, pageSize: 50 });
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-tty-retired-"));
    try {
      const script = own.card.scripts[0]!;
      const client = createClient({ site: own.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
      const sg = entityApi(client);
      // Several pages of them, so that the count summarize gives comes while they stream, not after.
      const ids = (await sg.find("Shot", [], [], { limit: 200 })).map((r) => r.id);
      await sg.batch(ids.map((id) => ({ request_type: "delete" as const, entity_type: "Shot", entity_id: id })));
      await client.close();
      const file = join(dir, "retired.jsonl");
      const env = { SG_SITE: own.url, SG_SCRIPT_NAME: script.name, SG_SCRIPT_KEY: script.key };
      const run = await onTerminal(["find", "Shot", "--all", "--retired", "--format", "jsonl"], env, [], file);
      expect(run.code, run.screen).toBe(0);
      expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(200);
      // The line counts the rows, with no bar, percentage or "/N" (the count of the active Shots).
      expect(run.screen).toMatch(/rows\/s/);
      expect(run.screen).not.toMatch(/%|\/\d/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await own.close();
    }
  });

  it("refuses to write a download to the terminal, and suggests --out, not '>' (Windows PowerShell before 7.4 corrupts binary output)", async () => {
    const run = await onTerminal(["download", "123"], { SG_SITE: site.url, SG_SCRIPT_NAME: "s", SG_SCRIPT_KEY: "k" });
    expect(run.code, run.screen).toBe(2);
    expect(run.screen).toContain("refusing to write a file to the terminal");
    expect(run.screen).toContain("Pass --out FILE: sg download 123 --out shot.exr.");
    expect(run.screen).not.toContain("> file");
    expect(run.screen).toContain("(In POSIX shells '> FILE' works too; not in Windows PowerShell before 7.4");
  });

  it("draws no progress into rows streamed to the same terminal, and draws it when the rows go to a file", async () => {
    const script = site.card.scripts[0]!;
    const env = { SG_SITE: site.url, SG_SCRIPT_NAME: script.name, SG_SCRIPT_KEY: script.key };
    for (const format of ["jsonl", "csv", "json"]) {
      const run = await onTerminal(["find", "Shot", "--all", "--fields", "code", "--limit", "120", "--format", format], env);
      expect(run.code, run.screen).toBe(0);
      // A progress line drawn between two rows stays on screen glued to the next row.
      expect(run.screen, format).not.toMatch(/rows\/s|\x1b\[2K/);
      expect(run.screen, format).toContain("SQ010_0010");
    }
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-tty-out-"));
    try {
      const file = join(dir, "shots.jsonl");
      const toFile = await onTerminal(["find", "Shot", "--all", "--fields", "code", "--limit", "120", "--format", "jsonl"], env, [], file);
      expect(toFile.code, toFile.screen).toBe(0);
      expect(toFile.screen).toMatch(/rows\/s/);
      expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(120);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("draws no progress in CI (CI set, not false or 0) nor on TERM=dumb, though stderr is a terminal", async () => {
    const script = site.card.scripts[0]!;
    const env = { SG_SITE: site.url, SG_SCRIPT_NAME: script.name, SG_SCRIPT_KEY: script.key };
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-tty-ci-"));
    try {
      const file = join(dir, "shots.jsonl");
      const args = ["find", "Shot", "--all", "--fields", "code", "--limit", "120", "--format", "jsonl"];
      for (const extra of [{ CI: "true" }, { CI: "1" }, { CI: "woodpecker" }, { TERM: "dumb" }] as Record<string, string>[]) {
        const run = await onTerminal(args, { ...env, ...extra }, [], file);
        expect(run.code, run.screen).toBe(0);
        expect(run.screen, JSON.stringify(extra)).not.toMatch(/rows\/s|\x1b\[2K|\r/);
        expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(120);
      }
      // CI=false (or 0, or empty) is not CI: the bar is drawn as on any terminal.
      for (const extra of [{ CI: "false" }, { CI: "0" }, { CI: "" }] as Record<string, string>[]) {
        const run = await onTerminal(args, { ...env, ...extra }, [], file);
        expect(run.screen, JSON.stringify(extra)).toMatch(/rows\/s/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("asks for the passphrase and the 2FA code without echoing them, and saves the session", async () => {
    const artist = identity.card.users.find((u) => u.twoFactor && u.pat === "valid" && u.password)!;
    const twoFactorCode = identity.issueTwoFactorCode(artist.login); // one-time, good for 30 s of emulator clock
    const run = await onTerminal(["login", "--site", identity.url, "--login", artist.login], {}, [
      [/Passphrase for [^:]+: $/m, artist.password!],
      [/Two-factor code: $/m, twoFactorCode],
    ]);
    expect(run.code, run.screen).toBe(0);
    expect(run.screen).toMatch(/Passphrase for/);
    expect(run.screen).toMatch(/Two-factor code/);
    expect(run.screen).not.toContain(artist.password!);
    expect(run.screen).not.toContain(twoFactorCode);
    const whoami = await onTerminal(["whoami", "--site", identity.url], {});
    expect(whoami.code, whoami.screen).toBe(0);
    expect(whoami.screen).toContain(artist.login);
  });

  it("erases a whole emoji with a backspace at the passphrase prompt, and takes a 2FA code typed in full-width digits", async () => {
    const artist = identity.card.users.find((u) => u.twoFactor && u.pat === "valid" && u.password)!;
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-tty-unicode-"));
    try {
      // Typed with a mistaken emoji (one of several code points) erased by a backspace (DEL), as a person does.
      const passphrase = `${artist.password!}🎬\u007f👨\u200d👩\u200d👧\u007f`;
      // From a Japanese input method: full-width digits and an ideographic space.
      const code = identity.issueTwoFactorCode(artist.login).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
      const run = await onTerminal(["login", "--site", identity.url, "--login", artist.login], { SG_CONFIG_DIR: dir }, [
        [/Passphrase for [^:]+: $/m, passphrase],
        [/Two-factor code: $/m, `${code.slice(0, 3)}\u3000${code.slice(3)}`],
      ]);
      expect(run.code, run.screen).toBe(0);
      expect(run.screen).toContain(`as ${artist.login}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("does not count the time a person takes to type the 2FA code against --timeout-ms", async () => {
    const artist = identity.card.users.find((u) => u.twoFactor && u.pat === "valid" && u.password)!;
    // The code is typed well after the 1000 ms limit: the limit is the site's time to answer, not the person's.
    for (const command of [["whoami"], ["doctor"]]) {
      const dir = mkdtempSync(join(tmpdir(), "sg-cli-tty-2fa-late-"));
      try {
        const run = await onTerminal([...command, "--site", identity.url, "--login", artist.login, "--timeout-ms", "1000"], { SG_CONFIG_DIR: dir }, [
          [/Passphrase for [^:]+: $/m, artist.password!],
          [/Two-factor code: $/m, identity.issueTwoFactorCode(artist.login), 2500],
        ]);
        expect(run.code, run.screen).toBe(0);
        expect(run.screen).not.toMatch(/deadline|did not answer/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("does not count the 2FA code typed to log in again, when the session expires mid-command, against --timeout-ms", async () => {
    const artist = identity.card.users.find((u) => u.twoFactor && u.pat === "valid" && u.password)!;
    // The site refuses the session as expired (its own words) at the command's call: `sg` logs in again, the site asks
    // for a new code, and the person types it well after the 1000 ms limit. A read, and a write (refused, so not made).
    const calls = [
      ["read", ["find", "Shot", "--limit", "1", "--fields", "code"]],
      ["update", ["update", "Shot", "1", JSON.stringify({ description: `relogin-${Date.now()}` })]],
    ] as const;
    for (const [method, command] of calls) {
      const dir = mkdtempSync(join(tmpdir(), "sg-cli-tty-2fa-relogin-"));
      try {
        identity.injectFault({ method, errorCode: 102, message: "Can't authenticate session token ending with 'abcd': the session expired" });
        const before = identity.requests().length;
        const run = await onTerminal([...command, "--site", identity.url, "--login", artist.login, "--timeout-ms", "1000"], { SG_CONFIG_DIR: dir }, [
          [/Passphrase for [^:]+: $/m, artist.password!],
          [/Two-factor code: $/m, identity.issueTwoFactorCode(artist.login)],
          [/Two-factor code: [\s\S]*Two-factor code: $/, identity.issueTwoFactorCode(artist.login), 2500],
        ]);
        expect(run.code, run.screen).toBe(0);
        expect(run.screen.match(/Two-factor code: /g), run.screen).toHaveLength(2);
        expect(run.screen).not.toMatch(/deadline|did not answer|still logging in/);
        // The call refused for its session, then once more with the new one.
        const sent = identity.requests().slice(before).filter((r) => r.method_name === method);
        expect(sent.map((r) => r.errorCode)).toEqual([102, null]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("keeps the 2FA prompt of a login again mid-command on screen while the progress line waits, and draws it again below once answered", async () => {
    const paged = await startEmulator({ authMode: "identity", rows: 600, pageSize: 50 });
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-tty-2fa-progress-"));
    try {
      const artist = paged.card.users.find((u) => u.twoFactor && u.pat === "valid" && u.password)!;
      // The session is refused as expired at a page of `--all`; the count for the bar answers while the new code is asked
      // for, which redraws the line (with its total) unless the display waits for the prompt.
      paged.injectFault({ method: "summarize", delayMs: 1500 });
      paged.injectFault({ method: "read", errorCode: 102, message: "Can't authenticate session token ending with 'abcd': the session expired" });
      const run = await onTerminal(["find", "Shot", "--all", "--concurrency", "4", "--fields", "code", "--site", paged.url, "--login", artist.login], { SG_CONFIG_DIR: dir }, [
        [/Passphrase for [^:]+: $/m, artist.password!],
        [/Two-factor code: $/m, paged.issueTwoFactorCode(artist.login)],
        [/Two-factor code: [\s\S]*Two-factor code: /, paged.issueTwoFactorCode(artist.login), 3500],
      ]);
      expect(run.code, run.screen).toBe(0);
      expect(run.screen.match(/Two-factor code: /g), run.screen).toHaveLength(2);
      // When the second code was typed, the terminal's last line was the question alone, and nothing had erased it.
      const shown = run.typedOn[2] ?? "";
      const lastLine = shown.slice(shown.lastIndexOf("\n") + 1);
      expect(lastLine.split("\r").pop()?.replace(/\x1b\[2K/g, ""), JSON.stringify(lastLine)).toBe("Two-factor code: ");
      expect(shown.slice(shown.lastIndexOf("Two-factor code: ")), JSON.stringify(lastLine)).not.toMatch(/\x1b\[2K|\r/);
      // Once answered, the bar comes back on the line below the question, with the total counted meanwhile.
      const after = run.screen.slice(run.screen.lastIndexOf("Two-factor code: ") + "Two-factor code: ".length);
      expect(after, JSON.stringify(after.slice(0, 200))).toMatch(/^\r?\n\r\x1b\[2K\[[#-]+\]\s+\d+%\s+[\d,]+\/[\d,]+ rows/);
      expect(run.screen).toMatch(/SQ010_0010/);
    } finally {
      await paged.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a login again mid-command that fails, or whose new session is refused too, ends with that refusal, asking once", async () => {
    const artist = identity.card.users.find((u) => u.twoFactor && u.pat === "valid" && u.password)!;
    const expired = { method: "read", errorCode: 102, message: "Can't authenticate session token ending with 'abcd': the session expired" };
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-tty-2fa-relogin-"));
    try {
      const command = ["find", "Shot", "--limit", "1", "--site", identity.url, "--login", artist.login, "--timeout-ms", "1000"];
      // A wrong code typed at the second prompt: the two-factor advice of a terminal, as for the first login.
      identity.injectFault(expired);
      const wrong = await onTerminal(command, { SG_CONFIG_DIR: dir }, [
        [/Passphrase for [^:]+: $/m, artist.password!],
        [/Two-factor code: $/m, identity.issueTwoFactorCode(artist.login)],
        [/Two-factor code: [\s\S]*Two-factor code: $/, "000000"],
      ]);
      expect(wrong.code, wrong.screen).toBe(3);
      expect(/hint: .*/.exec(wrong.screen)?.[0], wrong.screen).toContain("type the current code from your authenticator app when asked");
      // The new session refused too: no third login, and the site's refusal, as when the core re-sends once.
      identity.injectFault({ ...expired, times: 2 });
      const again = await onTerminal(command, { SG_CONFIG_DIR: dir }, [
        [/Passphrase for [^:]+: $/m, artist.password!],
        [/Two-factor code: $/m, identity.issueTwoFactorCode(artist.login)],
        [/Two-factor code: [\s\S]*Two-factor code: $/, identity.issueTwoFactorCode(artist.login)],
      ]);
      expect(again.code, again.screen).toBe(3);
      expect(again.screen.match(/Two-factor code: /g), again.screen).toHaveLength(2);
      expect(again.screen).toMatch(/^sg: .*the session expired/m);
      expect(again.screen).not.toMatch(/ReloginDue/);
    } finally {
      identity.reset();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("still bounds the login's own request by --timeout-ms when a person may be asked for a code", async () => {
    // A site that answers `info` and never answers anything else, such as the login. 1.5 s, not less: `info` is bound
    // by the same limit, and on a loaded machine a shorter one cut it instead, failing the test for the wrong call.
    const silent = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        if ((JSON.parse(body || "{}") as { method_name?: string }).method_name === "info") res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ version: [8, 50, 0] }));
      });
    });
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const run = await onTerminal(["whoami", "--site", url, "--login", "artist", "--password", "pass", "--timeout-ms", "1500"], {});
      expect(run.code, run.screen).toBe(5);
      expect(run.screen).toMatch(/'get_session_token'/);
      expect(run.screen).not.toMatch(/Two-factor code/);
    } finally {
      silent.closeAllConnections();
      await new Promise((done) => silent.close(done));
    }
  });

  it("takes a 2FA code typed with a space, as authenticator apps show it", async () => {
    const artist = identity.card.users.find((u) => u.twoFactor && u.pat === "valid" && u.password)!;
    const code = identity.issueTwoFactorCode(artist.login);
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-tty-2fa-"));
    try {
      const run = await onTerminal(["login", "--site", identity.url, "--login", artist.login], { SG_CONFIG_DIR: dir }, [
        [/Passphrase for [^:]+: $/m, artist.password ?? ""],
        [/Two-factor code: $/m, spaced],
      ]);
      expect(run.code, run.screen).toBe(0);
      expect(run.screen).not.toContain(code.slice(3));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an empty or wrong 2FA code typed on the terminal gets 2FA advice for a terminal, not a wrong login's", async () => {
    const artist = identity.card.users.find((u) => u.twoFactor && u.pat === "valid" && u.password)!;
    for (const typed of ["", "000000"]) {
      const run = await onTerminal(["login", "--site", identity.url, "--login", artist.login], {}, [
        [/Passphrase for [^:]+: $/m, artist.password ?? ""],
        [/Two-factor code: $/m, typed],
      ]);
      expect(run.code, run.screen).toBe(3);
      const hint = /hint: .*/.exec(run.screen)?.[0] ?? "";
      expect(hint, typed).toContain("type the current code from your authenticator app when asked");
      expect(hint, typed).not.toMatch(/run on a terminal|Check --login and --password|twoFactor/);
      expect(run.screen).not.toContain("twoFactor()");
    }
  });

  it("Ctrl-D at the login or passphrase prompt cancels: 130, a line that says so and how to skip the prompt, nothing sent", async () => {
    const artist = identity.card.users.find((u) => u.password)!;
    const before = identity.requests().length;
    const atLogin = await onTerminal(["login", "--site", identity.url], {}, [[/Login: $/m, "\u0004"]]);
    expect(atLogin.code, atLogin.screen).toBe(130);
    expect(atLogin.screen).toContain("sg: cancelled at the prompt (Ctrl-D: end of input)\r\nhint: Pass --login (and --password), or set SG_LOGIN (and SG_PASSWORD).");
    const atPassphrase = await onTerminal(["find", "Shot", "--site", identity.url, "--login", artist.login], {}, [[/Passphrase for [^:]+: $/m, "\u0004"]]);
    expect(atPassphrase.code, atPassphrase.screen).toBe(130);
    expect(atPassphrase.screen).toContain("sg: cancelled at the prompt (Ctrl-D: end of input)\r\nhint: Pass --password or set SG_PASSWORD.");
    expect(identity.requests().slice(before).filter((r) => r.method_name !== "info")).toEqual([]);
  }, 70_000);

  it("refuses a - argument typed on the terminal before reading it when the passphrase is to be asked there afterwards", async () => {
    const artist = identity.card.users.find((u) => u.password)!;
    const run = await onTerminal(["find", "Shot", "-", "--site", identity.url, "--login", artist.login], {});
    expect(run.code, run.screen).toBe(2);
    expect(run.screen).toContain("sg: cannot read filters from standard input (-) on the terminal: the passphrase (--login without a passphrase) is asked there afterwards, once the input has ended");
    expect(run.screen).toContain("hint: Pass --password or set SG_PASSWORD. Or give filters inline or as @file.");
    expect(run.screen).not.toContain("Passphrase for");
  }, 40_000);

  it("shows the question on the terminal when stderr goes to a file (2> err.log), without an empty line after a visible answer", async () => {
    const coord = site.card.users.find((u) => u.login === "coord")!;
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-tty-stderr-"));
    try {
      const errLog = join(dir, "err.log");
      const run = await onTerminal(["login", "--site", site.url], { SG_CONFIG_DIR: dir }, [
        [/Login: $/m, coord.login],
        [/Passphrase for [^:]+: $/m, coord.password ?? ""],
      ], undefined, errLog);
      expect(run.code, run.screen).toBe(0);
      // The answer to Login: is echoed with its Enter, and the passphrase question follows on the next line.
      expect(run.screen).toMatch(/Login: coord\r\nPassphrase for coord: \r\n/);
      const log = readFileSync(errLog, "utf8");
      expect(log).toContain("session saved");
      expect(log).not.toMatch(/Login:|Passphrase/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it("Ctrl-C at the passphrase prompt is an interrupt (130), not a usage error, and sends nothing", async () => {
    const artist = identity.card.users.find((u) => u.password)!;
    const before = identity.requests().length;
    const run = await onTerminal(["find", "Shot", "--site", identity.url, "--login", artist.login], {}, [[/Passphrase for [^:]+: $/m, "\u0003"]]);
    expect(run.code, run.screen).toBe(130);
    expect(run.screen).toMatch(/sg: interrupted \(SIGINT\)/);
    expect(run.screen).not.toMatch(/cancelled|hint:/);
    expect(identity.requests().length).toBe(before);
  });
});
