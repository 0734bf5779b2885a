import { describe, expect, test } from "vitest";
import {
  diffStats,
  projectDiff,
  projectLog,
  projectWorkerReport,
  rejectionFingerprint,
} from "../../src/service/compact-projections.js";

const lines = (n: number, at: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => at[i + 1] ?? `line ${i + 1}`).join("\n");

describe("rejection fingerprint", () => {
  test.each([
    [[], ""],
    [["  ", ""], ""],
  ])("%j → %j", (input, expected) => expect(rejectionFingerprint(input)).toBe(expected));

  test("order, blanks and surrounding spaces do not matter; content does", () => {
    const a = rejectionFingerprint(["b", " a ", ""]);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(rejectionFingerprint(["a", "b"])).toBe(a);
    expect(rejectionFingerprint(["a", "c"])).not.toBe(a);
  });
});

describe("log projection", () => {
  test("50 lines or fewer come back unchanged", () => {
    expect(projectLog(lines(50))).toBe(lines(50));
  });

  test("100 lines: head 20, omitted 50, diagnostics from the middle, tail 30, artifact ref", () => {
    const log = lines(100, { 40: "AssertionError: expected 2", 60: "plain", 70: "Caused by: timeout" });
    const out = projectLog(log, { ref: "artifacts/logs/test.log", sha256: "abc123hash" });
    expect(out).toContain("BEGIN OUTPUT: first 20 of 100 lines");
    expect(out).toContain("OMITTED 50 LINES");
    expect(out).toContain("EXTRACTED DIAGNOSTICS (2 matched lines)");
    expect(out).toContain("END OUTPUT: last 30 lines");
    expect(out).toContain("FULL LOG ARTIFACT: artifacts/logs/test.log (SHA-256: abc123hash)");
    expect(out).toContain("line 20\n");
    expect(out).not.toContain("line 21\n");
    expect(out).not.toContain("plain");
    expect(out.endsWith("line 100\nFULL LOG ARTIFACT: artifacts/logs/test.log (SHA-256: abc123hash)")).toBe(
      true,
    );
  });

  test("no diagnostics block when the middle has none", () => {
    expect(projectLog(lines(80))).not.toContain("EXTRACTED DIAGNOSTICS");
  });
});

const DIFF = [
  "diff --git a/src/a.ts b/src/a.ts",
  "--- a/src/a.ts",
  "+++ b/src/a.ts",
  "@@ -1,2 +1,3 @@",
  "-old",
  "+new",
  "+more",
  "diff --git a/b.md b/b.md",
  "--- a/b.md",
  "+++ b/b.md",
  "@@ -0,0 +1 @@",
].join("\n");

// What git writes for names it must quote or that hold " b/", and for content lines that start
// like a file header: none of it may change the files listed or the lines counted.
const AWKWARD_DIFF = [
  'diff --git "a/src/\\305\\277ecrets/k.ts" "b/src/\\305\\277ecrets/k.ts"',
  "new file mode 100644",
  "--- /dev/null",
  '+++ "b/src/\\305\\277ecrets/k.ts"',
  "@@ -0,0 +1,2 @@",
  "++++ b/looks/like/a/header",
  "+x",
  "diff --git a/src/x b/store.ts b/src/x b/store.ts",
  "--- a/src/x b/store.ts",
  "+++ b/src/x b/store.ts",
  "@@ -1,2 +1 @@",
  "---- a/looks/like/a/header",
  " kept",
].join("\n");

describe("diff projection", () => {
  test("counts files, +/- lines without the file headers, and hunks", () => {
    expect(diffStats(DIFF)).toEqual({ added: 2, deleted: 1, hunks: 2 });
    const out = projectDiff(DIFF, ["src/a.ts", "b.md"], { ref: "d.patch", sha256: "h" });
    expect(out).toContain("COMPACT DIFF SUMMARY");
    expect(out).toContain("Files Changed (2): src/a.ts, b.md");
    expect(out).toContain("Stats: +2 / -1 lines across 2 hunks.");
    expect(out).toContain("FULL DIFF ARTIFACT: d.patch (SHA-256: h)");
  });

  test("content lines that start with +++ or --- are counted; the files are git's own list", () => {
    expect(diffStats(AWKWARD_DIFF)).toEqual({ added: 2, deleted: 1, hunks: 2 });
    const files = ["src/\u017fecrets/k.ts", "src/x b/store.ts"];
    expect(projectDiff(AWKWARD_DIFF, files)).toContain(
      "Files Changed (2): src/\u017fecrets/k.ts, src/x b/store.ts\nStats: +2 / -1 lines across 2 hunks.",
    );
  });
});

describe("worker report projection", () => {
  test.each(["commands run with exact results", "commands_run_with_exact_results"])(
    "long outputs under '%s' become log projections; the input is unchanged",
    (key) => {
      const report = {
        verified: "yes",
        [key]: [{ command: "unit", stdout: lines(120) }, { command: "lint", output: "ok" }, "plain text"],
      };
      const before = structuredClone(report);
      const out = projectWorkerReport(report);
      expect(report).toEqual(before);
      const [first, second, third] = out[key] as Record<string, unknown>[];
      expect(first!["stdout"]).toBeUndefined();
      expect(first!["output"]).toContain("BEGIN OUTPUT: first 20 of 120 lines");
      expect(second).toEqual({ command: "lint", output: "ok" });
      expect(third).toBe("plain text");
      expect(out["verified"]).toBe("yes");
    },
  );
});
