import type { Client, TransportStrategy } from "@sg/core";
import type { ConformanceEnv } from "../conformance-options.js";
import { describeError, type SecretRegistry } from "../secret-scan.js";
import { closeWithin, type Handover } from "../transport-harness.js";
import { TRANSPORT_CHECK_TITLES, type TransportCheckId, type TransportCheckResult } from "../transport-report.js";
import type { Verdict } from "./run-check.js";

/** State shared by the checks of one transport conformance run. */
export interface TransportRun {
  readonly env: ConformanceEnv;
  /** A transport to check: a fresh one from the factory, or the one object given. */
  readonly make: () => TransportStrategy;
  readonly secrets: SecretRegistry;
  /** Limit for any one check's calls, in milliseconds. */
  readonly timeoutMs: number;
  /** Every handover of every check so far, with the check it belongs to (for `errors-typed`). */
  readonly handovers: Array<{ readonly check: TransportCheckId; readonly handover: Handover }>;
}

/** Run one transport check on a freshly reset emulator; anything the body throws fails it, described and masked. */
export async function runTransportCheck(run: TransportRun, id: TransportCheckId, body: () => Promise<Verdict>): Promise<TransportCheckResult> {
  run.env.emulator.reset();
  try {
    const verdict = await body();
    return { id, title: TRANSPORT_CHECK_TITLES[id], status: verdict.status, detail: run.secrets.mask(verdict.detail) };
  } catch (error) {
    return { id, title: TRANSPORT_CHECK_TITLES[id], status: "failed", detail: `the check failed: ${describeError(error, run.secrets)}` };
  } finally {
    run.env.emulator.reset();
  }
}


/**
 * End a check: keep its `handovers` for `errors-typed`, close `client` (see `closeWithin`), then stop the kit's
 * `server`, if any, even when the close failed. Either may be missing: the check failed before it was made.
 */
export async function endTransportCheck(run: TransportRun, check: TransportCheckId, handovers: readonly Handover[], client: Client | undefined, server?: { close(): Promise<void> } | undefined): Promise<void> {
  for (const handover of handovers) run.handovers.push({ check, handover });
  try {
    await closeWithin(run.timeoutMs, client);
  } finally {
    await server?.close();
  }
}
