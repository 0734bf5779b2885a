import { describe, expect, test } from "vitest";
import { ago, duration, timeLeft } from "../../src/status/ages.js";

const NOW = new Date("2026-01-01T12:00:00.000Z");
const before = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe("ages", () => {
  test.each([
    [0, "0 s"],
    [59_999, "59 s"],
    [60_000, "1 min"],
    [3_599_999, "59 min"],
    [7_200_000, "2 h"],
    [3 * 86_400_000, "3 d"],
  ])("duration(%i) = %s", (ms, text) => expect(duration(ms)).toBe(text));

  test.each([
    [500, "just now"],
    [45_000, "45 s ago"],
    [3 * 60_000 + 5_000, "3 min ago"],
  ])("ago %i ms = %s", (ms, text) => expect(ago(before(ms), NOW)).toBe(text));

  test.each([
    [-4 * 60_000 - 1_000, "4 min left"],
    [2 * 60_000, "overdue by 2 min"],
  ])("timeLeft with deadline %i ms before now = %s", (ms, text) =>
    expect(timeLeft(before(ms), NOW)).toBe(text),
  );

  test("an unreadable timestamp says so instead of NaN", () => {
    expect(ago("garbage", NOW)).toBe("at an unknown time");
    expect(timeLeft("garbage", NOW)).toBe("no deadline");
  });
});
