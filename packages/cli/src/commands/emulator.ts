import { startEmulator, type EmulatorOptions } from "@sg/emulator";
import type { CommandContext } from "../command-context.js";
import { enumOption, intOption } from "../config.js";
import { UsageError } from "../exit-codes.js";

/** `sg emulator [--host] [--port] [--fixtures] [--rows] [--latency-ms] [--auth-mode] [--data]`: same as `sg-emulator`. */
export async function emulatorCommand(ctx: CommandContext, stop: Promise<string>): Promise<number> {
  const v = ctx.args.values;
  const data = v["data"] as string | undefined;
  if (data === "") throw new UsageError("--data expects a file path");
  const idle = intOption("session-idle-seconds", v["session-idle-seconds"], { min: 1, max: 31_536_000 });
  const pageSize = intOption("page-size", v["page-size"], { min: 1, max: 100_000 });
  const options: EmulatorOptions = {
    host: (v["host"] as string | undefined) ?? "127.0.0.1",
    port: intOption("port", v["port"], { min: 0, max: 65535 }, 0),
    fixtures: enumOption("fixtures", v["fixtures"], ["demo", "empty"]) ?? "demo",
    rows: intOption("rows", v["rows"], { min: 0, max: 10_000_000 }, 0),
    latencyMs: intOption("latency-ms", v["latency-ms"], { min: 0, max: 600_000 }, 0),
    authMode: enumOption("auth-mode", v["auth-mode"], ["default", "identity", "sso"]) ?? "default",
    logger: (line: string) => ctx.io.stderr.write(`[sg-emulator] ${line}\n`),
    ...(data !== undefined ? { dataFile: data } : {}),
    ...(idle !== undefined ? { sessionIdleSeconds: idle } : {}),
    ...(pageSize !== undefined ? { pageSize } : {}),
  };
  const handle = await startEmulator(options);
  ctx.io.stdout.write(`${JSON.stringify(handle.card)}\n`);
  const signal = await stop;
  ctx.io.stderr.write(`[sg-emulator] ${signal}: shutting down\n`);
  await handle.close();
  return 0;
}
