import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["test/helpers/run-tmpdir.ts"],
    // In CI a failed test runs once more, and scripts/ci-summary.sh names every test that needed
    // it (FLAKY …) with its first failure: a timing flake on a loaded machine does not block a
    // landing, and it is not hidden either. A test that fails twice fails the run.
    retry: process.env.CI === "true" ? 1 : 0,
    // The JSON report is what .ci/run turns into its plain "N passed, N failed" line.
    reporters: ["default", "json"],
    outputFile: { json: ".ci-out/vitest.json" },
  },
});
