// Generated from package.json by tools/write-version.mjs during the build. Do not edit.

/** The version of @sg/transport this build was made from. */
export const PACKAGE_VERSION = "0.1.0";
