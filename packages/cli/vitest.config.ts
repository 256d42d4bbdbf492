import { defineConfig } from "vitest/config";

// The CLI is tested as a process: each test spawns `node dist/bin.js` one or more times, and under nx several
// suites share two cores, so a test may legitimately take seconds. No test asserts on timing.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
