import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.mjs"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
