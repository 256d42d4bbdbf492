import { redactUrl, scrubText } from "@sg/core";
import type { FetchFunction } from "@sg/transport";
import type { CliOutput } from "./io.js";

function rpcMethod(body: unknown): string | undefined {
  try {
    const text = typeof body === "string" ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
    if (!text || !text.startsWith("{")) return undefined;
    const method = (JSON.parse(text) as { method_name?: unknown }).method_name;
    return typeof method === "string" ? method : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A fetch that logs every HTTP attempt (method, URL, RPC method, status, duration) to `stream`, for
 * `--debug`. Bodies and headers are never logged; URLs lose any `user:pass@` and known secrets are scrubbed.
 */
export function debugFetch(stream: CliOutput, secrets: () => readonly string[], base: FetchFunction = (input, init) => globalThis.fetch(input, init)): FetchFunction {
  let seq = 0;
  return async (input: string, init: RequestInit): Promise<Response> => {
    const n = ++seq;
    const method = init.method ?? "GET";
    const rpc = rpcMethod(init.body);
    const what = scrubText(`${method} ${redactUrl(String(input))}${rpc ? ` (${rpc})` : ""}`, secrets());
    const started = Date.now();
    stream.write(`[debug] http #${n} → ${what}\n`);
    try {
      const response = await base(input, init);
      stream.write(`[debug] http #${n} ← ${response.status} in ${Date.now() - started} ms\n`);
      return response;
    } catch (error) {
      const code = (error as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
      stream.write(scrubText(`[debug] http #${n} ✗ ${error instanceof Error ? error.name : "error"}${typeof code === "string" ? ` ${code}` : ""} after ${Date.now() - started} ms`, secrets()) + "\n");
      throw error;
    }
  };
}
