/** An emulator site for one test file, started before its tests and closed after, with a runner of `sg` on it. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from "@sg/emulator";
import { afterAll, beforeAll, expect } from "vitest";
import { scriptEnvOf, sgRunner, type SgRunner } from "./run-sg.js";

/** The site of a test file and how to run `sg` against it. */
export interface EmulatorSuite {
  /** Run `sg` (see {@link SgRunner.run}). */
  readonly sg: SgRunner["run"];
  /** The runner's config folder (`SG_CONFIG_DIR`), where `sg login` saves its sessions. */
  readonly configDir: string;
  /** The emulator, once started. */
  site(): EmulatorHandle;
  /** The environment that points `sg` at it as its fixture script. */
  env(): Record<string, string>;
  /** Upload `plate.txt` (`plate bytes\n`, written in `dir`) to Shot 1 with `sg upload`; the new Attachment's id. */
  uploadPlate(dir: string): Promise<number>;
}

/**
 * Start an emulator before the file's tests (and a runner with its own config folder); close both after them.
 *
 * @param options - the emulator's options (`authMode: "sso"`, …).
 */
export function emulatorSuite(options: EmulatorOptions = {}): EmulatorSuite {
  const runner = sgRunner();
  let site: EmulatorHandle | undefined;
  beforeAll(async () => {
    site = await startEmulator(options);
  });
  afterAll(async () => {
    await site?.close();
    runner.cleanup();
  });
  const started = (): EmulatorHandle => {
    if (!site) throw new Error("the emulator is started in beforeAll");
    return site;
  };
  const env = (): Record<string, string> => scriptEnvOf(started());
  const uploadPlate = async (dir: string): Promise<number> => {
    const file = join(dir, "plate.txt");
    writeFileSync(file, "plate bytes\n");
    const up = await runner.run(["upload", "Shot", "1", file], env());
    expect(up.code, up.stderr).toBe(0);
    return (JSON.parse(up.stdout) as { attachment_id: number }).attachment_id;
  };
  return { sg: runner.run, configDir: runner.configDir, site: started, env, uploadPlate };
}
