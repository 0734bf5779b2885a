import { describe, expect, it } from "vitest";
import { parseProcStat, sameLinuxStart } from "../../src/process/linux-proc.js";

/** Builds a stat line with `comm` in field 2 and `start` in field 22. */
function statLine(pid: number, comm: string, state: string, start: string): string {
  const after = [state, ...Array.from({ length: 18 }, (_, i) => String(i + 4)), start, "999", "42"];
  return `${pid} (${comm}) ${after.join(" ")}\n`;
}

describe("parseProcStat", () => {
  it.each([
    ["node", "node"],
    ["a (b) c", "a (b) c"],
    ["x) Z 1 (y", "x) Z 1 (y"],
    ["))", "))"],
    ["sp  aces", "sp  aces"],
    ["", ""],
  ])("parses a command name %j", (comm, expected) => {
    const parsed = parseProcStat(statLine(123, comm, "S", "987654"));
    expect(parsed).toEqual({ pid: 123, comm: expected, state: "S", startTime: "987654" });
  });

  it.each([
    ["empty", ""],
    ["no parentheses", "123 node S 1 2 3"],
    ["truncated", "123 (node) S 1 2 3"],
    ["non-numeric start", statLine(1, "n", "S", "abc")],
    ["non-numeric pid", "abc (n) S" + " 0".repeat(30)],
  ])("returns null for %s", (_name, content) => {
    expect(parseProcStat(content)).toBeNull();
  });
});

describe("sameLinuxStart", () => {
  it.each([
    ["100@boot-a", "100@boot-a", true],
    ["100@boot-a", "100@boot-b", false],
    ["100@boot-a", "101@boot-a", false],
    ["100", "100@boot-a", true],
    ["100@boot-a", "100", true],
    ["100", "101", false],
  ])("%s vs %s → %s", (stored, current, expected) => {
    expect(sameLinuxStart(stored, current)).toBe(expected);
  });
});
