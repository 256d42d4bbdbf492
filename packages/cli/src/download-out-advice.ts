/**
 * The hint of an `sg download --out` whose path could not be opened because it is a socket, or a device with no driver
 * (`ENXIO`): `@sg/entities`' own hint names its API (openAttachment), not the flags.
 *
 * @packageDocumentation
 */
import { SgTransferError } from "@sg/entities";

/**
 * The hint for `error` in `sg download`, or undefined to keep another.
 *
 * @param error - what the command threw.
 * @param command - the `sg` command that ran.
 */
export function downloadOutAdvice(error: unknown, command: string | undefined): string | undefined {
  if (command !== "download" || !(error instanceof SgTransferError) || (error.cause as { code?: unknown } | undefined)?.code !== "ENXIO") return undefined;
  return "--out names a socket, or a device with no driver, which cannot be opened by path. To write the download to standard output, leave out --out or give --out -.";
}
