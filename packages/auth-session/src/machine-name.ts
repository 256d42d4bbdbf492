/**
 * The default `machineId` of `browserLogin`: this machine's host name. The package's `#machine-name` import maps
 * to this module only under the `node` condition, so a bundle for a browser or another runtime never has to
 * resolve `node:os`; it gets `machine-name-unavailable.ts` instead.
 *
 * @packageDocumentation
 */
import { hostname } from "node:os";

/** This machine's host name. */
export function machineName(): string | undefined {
  return hostname();
}
