import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { scratchDirs } from "../helpers/scratch-dirs.js";

const run = promisify(execFile);
const tempDir = scratchDirs();
const ROOT = path.resolve(import.meta.dirname, "../..");
const CI_WINDOWS = path.join(ROOT, "scripts/ci-windows.sh");
const CI_SUMMARY = path.join(ROOT, "scripts/ci-summary.sh");
/** What a machine where Wine cannot be installed lacks: Wine itself, Xvfb, and apt-get to fetch them. */
const HIDDEN = /^(wine.*|xvfb-run|apt-get|apt)$/;

/**
 * A PATH holding every program of this one (the pinned Node first) except HIDDEN, as symlinks
 * in one directory: scripts/ci-windows.sh then meets a machine with no Wine and no way to get it.
 */
function pathWithoutWine(): string {
  const bin = tempDir("no-wine-bin");
  const dirs = [path.dirname(process.execPath), ...(process.env.PATH ?? "").split(path.delimiter)];
  for (const dir of dirs) {
    const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    for (const name of names) {
      const link = path.join(bin, name);
      if (HIDDEN.test(name) || fs.existsSync(link)) continue;
      fs.symlinkSync(path.join(dir, name), link);
    }
  }
  return bin;
}

/**
 * The Windows suite's size as node:test counts it here, run on Linux with all files at once
 * (tests that need Windows skip or fail here; only their number matters).
 */
async function windowsSuiteSize(): Promise<number> {
  const files = fs
    .readdirSync(path.join(ROOT, "test/windows"))
    .filter((f) => f.endsWith(".test.mjs"))
    .map((f) => path.join("test/windows", f));
  const stdout = await run(process.execPath, ["--test", "--test-reporter=tap", ...files], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    (r) => r.stdout,
    (error: { stdout: string }) => error.stdout,
  );
  return Number(/^# tests (\d+)$/m.exec(stdout)?.[1]);
}

async function summary(outDir: string, rcs: [number, number, number]): Promise<string[]> {
  const { stdout } = await run("/bin/bash", [CI_SUMMARY, outDir, ...rcs.map(String)]);
  return stdout.trim().split("\n");
}

function writeVitestReport(outDir: string, passed: number, failed: number, pending: number): void {
  fs.writeFileSync(
    path.join(outDir, "vitest.json"),
    JSON.stringify({
      numPassedTests: passed,
      numFailedTests: failed,
      numPendingTests: pending,
      numTodoTests: 0,
    }),
  );
}

describe("CI counts a Windows suite that could not run as skipped, test by test", () => {
  test("no Wine and no apt-get: ci-windows.sh exits 0 with a loud SKIP, and the closing line counts every test as skipped", async () => {
    const out = tempDir("ci-out");
    const expected = await windowsSuiteSize();
    expect(expected).toBeGreaterThan(40);
    const env = { ...process.env, PATH: pathWithoutWine(), DISPLAY: "" };
    const { stdout } = await run("/bin/bash", [CI_WINDOWS, path.join(out, "windows-summary.txt")], {
      cwd: ROOT,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain(
      "WINDOWS SUITE SKIPPED: wine is not installed and there is no apt-get to install it with",
    );
    expect(fs.readFileSync(path.join(out, "windows-summary.txt"), "utf8").trim()).toBe(`0 0 ${expected}`);
    writeVitestReport(out, 7, 0, 2);
    const [bySuite, total] = await summary(out, [0, 0, 0]);
    expect(bySuite).toContain(`windows (node:test under Wine): 0 passed, 0 failed, ${expected} skipped`);
    expect(total).toBe(`7 passed, 0 failed, ${expected + 2} skipped`);
  }, 180_000);

  test.each([
    {
      name: "every suite green",
      rcs: [0, 0, 0],
      files: ["1 0 0", "2 0 1"],
      total: "5 passed, 0 failed, 2 skipped",
    },
    {
      name: "a Windows set-up that broke with no count",
      rcs: [0, 1, 0],
      files: [null, null],
      total: "2 passed, 1 failed, 1 skipped",
    },
    {
      name: "lint failed though every test passed",
      rcs: [1, 0, 0],
      files: [null, null],
      total: "2 passed, 1 failed, 1 skipped",
    },
    {
      name: "a failing Codex test",
      rcs: [0, 0, 1],
      files: [null, "0 1 0"],
      total: "2 passed, 1 failed, 1 skipped",
    },
  ] as const)("summing: $name", async ({ rcs, files, total }) => {
    const out = tempDir("ci-out");
    writeVitestReport(out, 2, 0, 1);
    const [windows, codex] = files;
    if (windows !== null) fs.writeFileSync(path.join(out, "windows-summary.txt"), `${windows}\n`);
    if (codex !== null) fs.writeFileSync(path.join(out, "codex-summary.txt"), `${codex}\n`);
    expect((await summary(out, [...rcs])).at(-1)).toBe(total);
  });

  test("a failed vitest test is named, with its first error line, and one that passed on the retry is FLAKY", async () => {
    const root = tempDir("failing-suite");
    fs.writeFileSync(
      path.join(root, "a.test.mjs"),
      `import { describe, expect, test } from "vitest";
let runs = 0;
describe("a suite", () => {
  test("passes", () => expect(1).toBe(1));
  test("fails on purpose", () => expect(1).toBe(2));
  test("fails once", () => expect((runs += 1)).toBe(2));
});`,
    );
    const vitest = path.join(ROOT, "node_modules/.bin/vitest");
    const report = path.join(root, "out/vitest.json");
    await run(vitest, [
      "run",
      "--root",
      root,
      "--retry",
      "1",
      "--reporter=json",
      `--outputFile=${report}`,
    ]).catch(() => undefined);
    const { stdout } = await run("/bin/bash", [CI_SUMMARY, "out", "1", "0", "0"], { cwd: root });
    expect(stdout.trim().split("\n")).toEqual([
      "FLAKY a.test.mjs > a suite fails once: AssertionError: expected 1 to be 2 // Object.is equality",
      "FAILED a.test.mjs > a suite fails on purpose: AssertionError: expected 1 to be 2 // Object.is equality",
      expect.stringMatching(/^vitest: 2 passed, 1 failed, 0 skipped;/),
      "2 passed, 1 failed, 0 skipped",
    ]);
  });
});
