// The one definition of a test file (tests, specs, `__tests__/` folders, test helpers in `test-support/`): the
// pack gate, the import-boundary gate, each package's build (tsconfig.lib.json `exclude`) and each package's
// `files` negations all use it, and a test holds every package's tsconfig and manifest to it.

/** Whether a path (relative, `/`-separated) is a test file or a test helper. */
export const TEST_FILE = /\.(?:test|spec)\.|(?:^|\/)(?:__tests__|test-support)\//;

/** What each package's tsconfig.lib.json excludes from the build. */
export const TSCONFIG_TEST_EXCLUDES = ["src/**/*.test.ts", "src/**/*.spec.ts", "src/**/__tests__/**", "src/**/test-support/**"];

/** The negations each package's `files` carries, so a test file that reached dist is still not packed. */
export const FILES_TEST_NEGATIONS = ["!dist/**/*.test.*", "!dist/**/*.spec.*", "!dist/**/__tests__/**", "!dist/**/test-support/**"];
