/** Running the built `sg` as a child process, as a person or a script would, for the tests. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The built command. */
export const BIN: string = resolve(dirname(fileURLToPath(import.meta.url)), "../../dist/bin.js");

/** The environment that points `sg` at an emulator (`site`; at `url`, a relay say, when given) as its fixture script. */
export function scriptEnvOf(site: { readonly url: string; readonly card: { readonly scripts: readonly { readonly name: string; readonly key: string }[] } }, url: string = site.url): Record<string, string> {
  const script = site.card.scripts[0];
  return { SG_SITE: url, SG_SCRIPT_NAME: script?.name ?? "", SG_SCRIPT_KEY: script?.key ?? "" };
}

/** What one run of `sg` did. */
export interface SgResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sg` with its own config folder. */
export interface SgRunner {
  /** The `SG_CONFIG_DIR` (and `HOME`) of every run. */
  readonly configDir: string;
  /**
   * Run `sg` with a clean environment (no SG_* or proxy variable of the machine leaks in) plus `env`. `input`, when
   * given, is written to its standard input, which is then closed (at once without it).
   */
  run(args: readonly string[], env?: Record<string, string>, onStderr?: (text: string) => void, input?: string | Uint8Array): Promise<SgResult>;
  /** Remove the config folder. */
  cleanup(): void;
}

/** A runner with a fresh temporary config folder. */
export function sgRunner(): SgRunner {
  const configDir = mkdtempSync(join(tmpdir(), "sg-cli-test-"));
  return {
    configDir,
    run(args, env = {}, onStderr, input) {
      return new Promise((resolvePromise, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], {
          env: { PATH: process.env["PATH"] ?? "", HOME: configDir, SG_CONFIG_DIR: configDir, ...env },
          stdio: ["pipe", "pipe", "pipe"],
        });
        // A child that stops reading early (an input over the size limit) closes the pipe: not a failure of the test.
        child.stdin.on("error", (error: NodeJS.ErrnoException) => {
          if (error.code !== "EPIPE") reject(error);
        });
        child.stdin.end(input);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
          onStderr?.(stderr);
        });
        child.on("error", reject);
        child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
      });
    },
    cleanup() {
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}
