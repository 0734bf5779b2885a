import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The JSON report is what .ci/run turns into its plain "N passed, N failed" line.
    reporters: ["default", "json"],
    outputFile: { json: ".ci-out/vitest.json" },
  },
});
