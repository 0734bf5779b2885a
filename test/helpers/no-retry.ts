/**
 * For a test that guards a race (two launches, two lock holders, a lost wake-up): CI retries a
 * failed test once (vitest.config.ts), which would turn a race that strikes one run in three into
 * a FLAKY line on a green run. These tests run once; a failure fails CI.
 */
export const NO_RETRY = { retry: 0 } as const;
