import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["*.test.mjs"],
    // Each test starts vitest or node processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
