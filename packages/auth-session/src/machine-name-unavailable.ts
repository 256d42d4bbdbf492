/**
 * What `#machine-name` loads outside Node (a bundle for a browser, a worker, an edge runtime): the host name is not
 * known there, and no `node:os` import is left for the bundler to resolve. `browserLogin` then needs `machineId`.
 *
 * @packageDocumentation
 */

/** Not known outside Node: undefined. */
export function machineName(): string | undefined {
  return undefined;
}
