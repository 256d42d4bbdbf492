import { PACKAGE_VERSION } from "./version.js";

/** The package name, used in the user-agent and as the prefix of every message this package writes. */
export const LIBRARY_NAME = "@sg/transport";

/** This package's version (written into src/version.ts from package.json by the build). */
export const LIBRARY_VERSION: string = PACKAGE_VERSION;

function platformName(): string {
  return typeof process === "undefined" ? "unknown" : process.platform;
}

/** The runtime part of the user-agent, e.g. `Node.js 20.20 (linux)`. */
export function runtimeDescription(): string {
  const versions = typeof process === "undefined" ? undefined : (process.versions as Record<string, string | undefined>);
  if (versions?.["bun"]) return `Bun ${versions["bun"]} (${platformName()})`;
  if (versions?.["node"]) {
    const [major, minor] = versions["node"].split(".");
    return `Node.js ${major}.${minor} (${platformName()})`;
  }
  return "unknown runtime";
}

/**
 * The user-agent sent with every RPC: `@sg/transport (<version>); Node.js <major.minor> (<platform>)`, plus
 * `; <suffix>` when one is given (like the Python client's `add_user_agent`).
 */
export function userAgent(suffix?: string): string {
  const parts = [`${LIBRARY_NAME} (${LIBRARY_VERSION})`, runtimeDescription()];
  if (suffix) parts.push(suffix);
  return parts.join("; ");
}
