"use strict";
/**
 * The files of a new auth strategy package, as plain data: `authStrategyFiles(names, context)` returns
 * `[{ path, content }]` relative to the workspace root. Shared by the nx generator and the node script.
 */

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Check and expand a strategy name: `vault` → `@sg/auth-vault` in `packages/auth-vault`, factory `vaultAuth`.
 * A leading `auth-` is dropped (`auth-vault` is `vault`).
 */
function normalizeName(raw) {
  if (typeof raw !== "string" || raw.trim() === "") {
    throw new Error("new-auth-strategy: name: expected a kebab-case name such as 'vault', got nothing");
  }
  const name = raw.trim().replace(/^auth-/, "");
  if (!NAME_PATTERN.test(name) || name.length > 40) {
    throw new Error(`new-auth-strategy: name: expected a kebab-case name such as 'vault' (lowercase letters, digits, single dashes), got ${JSON.stringify(raw)}`);
  }
  const camel = name.replace(/-([a-z0-9])/g, (_m, c) => c.toUpperCase());
  const pascal = camel.charAt(0).toUpperCase() + camel.slice(1);
  return {
    name,
    packageName: `@sg/auth-${name}`,
    dir: `packages/auth-${name}`,
    factory: `${camel}Auth`,
    optionsType: `${pascal}AuthOptions`,
    envPrefix: `SG_${name.toUpperCase().replace(/-/g, "_")}`,
  };
}

const DEFAULT_TSCONFIG = { extends: "../../tsconfig.base.json", compilerOptions: { noEmit: true, rootDir: "src" }, include: ["src"] };
const DEFAULT_TSCONFIG_LIB = {
  extends: "../../tsconfig.base.json",
  compilerOptions: { rootDir: "src", outDir: "dist", tsBuildInfoFile: "dist/tsconfig.lib.tsbuildinfo" },
  include: ["src"],
  exclude: ["src/**/*.test.ts", "src/**/*.spec.ts", "src/**/__tests__/**", "src/**/test-support/**"],
};

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

function fill(template, names) {
  return template
    .replace(/__PACKAGE__/g, names.packageName)
    .replace(/__FACTORY__/g, names.factory)
    .replace(/__OPTIONS__/g, names.optionsType)
    .replace(/__ENV__/g, names.envPrefix)
    .replace(/__NAME__/g, names.name)
    .replace(/__DIR__/g, names.dir);
}

const STRATEGY_TS = `import { SgValidationError, describeValue, type AuthStrategy, type Credentials } from "@sg/core";

const NAME = "__PACKAGE__";

/** Options of {@link __FACTORY__}. */
export interface __OPTIONS__ {
  /**
   * Where to read \`__ENV___SCRIPT_NAME\` and \`__ENV___SCRIPT_KEY\` from. Default \`process.env\`.
   * Replace this with your own credential source (a secrets store, a keychain, a config service).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Act as this HumanUser login (\`sudo_as_login\`). */
  readonly sudoAsLogin?: string;
}

/**
 * Script credentials read from the environment, checked once when the strategy is created. The options are
 * validated synchronously; the state (here, one frozen credentials object) lives in the closure.
 */
export function __FACTORY__(options: __OPTIONS__ = {}): AuthStrategy {
  if (options === null || typeof options !== "object") {
    throw new SgValidationError(NAME, { path: ["options"], expected: "an object", received: describeValue(options) });
  }
  const env = options.env ?? process.env;
  const read = (variable: string, secret: boolean): string => {
    const value = env[variable]?.trim();
    if (!value) {
      throw new SgValidationError(NAME, { path: ["env", variable], expected: "a non-empty variable", received: describeValue(env[variable], secret) });
    }
    return value;
  };
  const { sudoAsLogin } = options;
  if (sudoAsLogin !== undefined && (typeof sudoAsLogin !== "string" || sudoAsLogin === "")) {
    throw new SgValidationError(NAME, { path: ["sudoAsLogin"], expected: "a non-empty login", received: describeValue(sudoAsLogin) });
  }
  const credentials: Credentials = Object.freeze({
    kind: "script",
    scriptName: read("__ENV___SCRIPT_NAME", false),
    scriptKey: read("__ENV___SCRIPT_KEY", true),
    ...(sudoAsLogin ? { sudoAsLogin } : {}),
  });
  return Object.freeze({
    name: NAME,
    credentials: async (): Promise<Credentials> => credentials,
  });
}
`;

const INDEX_TS = `/**
 * \`__PACKAGE__\`: an auth strategy for \`@sg/core\`.
 *
 * @packageDocumentation
 */
export { __FACTORY__ } from "./__NAME__-auth.js";
export type { __OPTIONS__ } from "./__NAME__-auth.js";
`;

const TEST_TS = `import { assertAuthStrategy, type ConformanceEnv } from "@sg/testing";
import { describe, expect, it } from "vitest";
import { __FACTORY__ } from "./index.js";

const envOf = (env: ConformanceEnv) => ({ __ENV___SCRIPT_NAME: env.card.scripts[0]!.name, __ENV___SCRIPT_KEY: env.card.scripts[0]!.key });

describe("__FACTORY__", () => {
  it("passes the @sg/testing auth strategy conformance kit", async () => {
    await assertAuthStrategy({
      name: "__PACKAGE__",
      create: (env) => __FACTORY__({ env: envOf(env) }),
      invalidOptions: [
        () => __FACTORY__({ env: {} }),
        (env) => __FACTORY__({ env: { ...envOf(env), __ENV___SCRIPT_KEY: " " } }),
        (env) => __FACTORY__({ env: envOf(env), sudoAsLogin: 42 as never }),
      ],
      secrets: (env) => [env.card.scripts[0]!.key],
      // Script keys do not expire. A strategy holding a session would pass expire: expireSessions and refreshes: "once".
      refreshes: "never",
    });
  }, 60_000);

  it("says which variable is missing, without echoing the key", () => {
    expect(() => __FACTORY__({ env: { __ENV___SCRIPT_NAME: "pipeline" } })).toThrow(
      /^__PACKAGE_RE__: env\\.__ENV___SCRIPT_KEY: expected a non-empty variable, got undefined$/,
    );
  });
});
`;

const README_MD = `# __PACKAGE__

__DESCRIPTION__

\`\`\`ts
import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { __FACTORY__ } from "__PACKAGE__";

// __ENV___SCRIPT_NAME and __ENV___SCRIPT_KEY must be set.
const sg = createClient({ site: "https://mystudio.shotgrid.autodesk.com", transport: jsonRpcTransport(), auth: __FACTORY__() });
\`\`\`

## Options

| option | meaning |
| --- | --- |
| \`env\` | where to read \`__ENV___SCRIPT_NAME\` / \`__ENV___SCRIPT_KEY\` (default \`process.env\`) |
| \`sudoAsLogin\` | act as this HumanUser login |

Options are validated when the strategy is created: a missing variable throws an \`SgValidationError\` whose
message starts with \`__PACKAGE__\` and never contains the key.

## Conformance

\`src/__NAME__.test.ts\` runs the \`@sg/testing\` auth strategy conformance kit against a local emulator:
options validated synchronously, credentials cached, single-flight logins, at most one re-send per
refusal, and no secret in errors, logs or the strategy. Keep it green when you change the strategy.
`;

/**
 * @param {ReturnType<typeof normalizeName>} names
 * @param {{ description?: string; coreVersion?: string; testingVersion?: string; transportVersion?: string; emulatorVersion?: string; coreTsconfig?: object; coreTsconfigLib?: object }} context
 */
function authStrategyFiles(names, context = {}) {
  const core = context.coreVersion || "0.1.0";
  const description =
    (context.description && String(context.description).trim()) || `Auth strategy for @sg/*: script credentials read from ${names.envPrefix}_SCRIPT_NAME and ${names.envPrefix}_SCRIPT_KEY.`;
  const pkg = {
    name: names.packageName,
    version: "0.0.0",
    description,
    license: "BSD-3-Clause",
    type: "module",
    engines: { node: ">=20.19" },
    sideEffects: false,
    main: "./dist/index.js",
    types: "./dist/index.d.ts",
    exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./package.json": "./package.json" },
    files: ["dist", "!dist/**/*.test.*", "!dist/**/*.spec.*", "!dist/**/__tests__/**", "!dist/**/test-support/**", "!dist/**/*.tsbuildinfo"],
    scripts: {
      build: "tsc -p tsconfig.lib.json",
      typecheck: "tsc -p tsconfig.json",
      test: "vitest run --allowOnly=false --reporter=default --reporter=json --outputFile.json=test-results/vitest.json",
    },
    peerDependencies: { "@sg/core": `>=${core} <${Number(core.split(".")[0]) + 1}.0.0` },
    devDependencies: {
      "@sg/core": core,
      "@sg/transport": context.transportVersion || "0.1.0",
      "@sg/emulator": context.emulatorVersion || "0.1.0",
      "@sg/testing": context.testingVersion || "0.1.0",
    },
  };
  const packageRe = names.packageName.replace(/[/]/g, "\\/");
  return [
    { path: `${names.dir}/package.json`, content: json(pkg) },
    { path: `${names.dir}/tsconfig.json`, content: json(context.coreTsconfig || DEFAULT_TSCONFIG) },
    { path: `${names.dir}/tsconfig.lib.json`, content: json(context.coreTsconfigLib || DEFAULT_TSCONFIG_LIB) },
    { path: `${names.dir}/README.md`, content: fill(README_MD, names).replace(/__DESCRIPTION__/g, description) },
    ...(context.license ? [{ path: `${names.dir}/LICENSE`, content: context.license }] : []),
    { path: `${names.dir}/src/index.ts`, content: fill(INDEX_TS, names) },
    { path: `${names.dir}/src/${names.name}-auth.ts`, content: fill(STRATEGY_TS, names) },
    { path: `${names.dir}/src/${names.name}.test.ts`, content: fill(TEST_TS.replace(/__PACKAGE_RE__/g, packageRe), names) },
    {
      path: `.changeset/${names.name}-initial.md`,
      content: `---\n"${names.packageName}": minor\n---\n\nNew package \`${names.packageName}\`: \`${names.factory}()\`, ${description.charAt(0).toLowerCase()}${description.slice(1)}\n`,
    },
  ];
}

module.exports = { authStrategyFiles, normalizeName, NAME_PATTERN };
