import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAllowlistedTest } from "../../src/git/run-tests.js";
import { removeDir, tempDir } from "../helpers/git-repo.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function dirsFor(): { cwd: string; dataDir: string } {
  const cwd = tempDir("grace-run-cwd-");
  const dataDir = tempDir("grace-run-data-");
  dirs.push(cwd, dataDir);
  return { cwd, dataDir };
}

const node = process.execPath;

/** Alive and not a zombie: a killed orphan may linger as Z until its new parent reaps it. */
function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? "");
  } catch {
    return false;
  }
}

describe("runAllowlistedTest", () => {
  it("passes shell metacharacters as literal argv elements, never through a shell", async () => {
    const { cwd, dataDir } = dirsFor();
    const tricky = [
      "; touch pwned",
      "&& touch pwned2",
      "$(touch pwned3)",
      "`touch pwned4`",
      "| cat",
      "%PATH%",
      "a b",
    ];
    const result = await runAllowlistedTest({
      commandKey: "unit",
      argv: [node, "-e", "process.stdout.write(JSON.stringify(process.argv.slice(1)))", ...tricky],
      cwd,
      dataDir,
    });
    expect(result.exit_code).toBe(0);
    expect(result.timed_out).toBe(false);
    expect(JSON.parse(readFileSync(result.stdout_path, "utf8"))).toEqual(tricky);
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(path.join(cwd, "pwned"))).toBe(false);
  });

  it("records the exit code, stderr, and runs in the given cwd", async () => {
    const { cwd, dataDir } = dirsFor();
    const result = await runAllowlistedTest({
      commandKey: "fail",
      argv: [node, "-e", "console.error(process.cwd()); process.exit(3)"],
      cwd,
      dataDir,
    });
    expect(result.exit_code).toBe(3);
    expect(readFileSync(result.stderr_path, "utf8").trim()).toBe(cwd);
    expect(result.stdout_path.startsWith(path.join(dataDir, "logs", "fail-"))).toBe(true);
    expect(result.stdout_path.endsWith(".stdout.log")).toBe(true);
    expect(result.stderr_path).toBe(result.stdout_path.replace(/\.stdout\.log$/, ".stderr.log"));
  });

  it("gives two runs of the same command two different log pairs", async () => {
    const { cwd, dataDir } = dirsFor();
    const req = { commandKey: "unit", argv: [node, "-e", "console.log(Date.now())"], cwd, dataDir };
    const first = await runAllowlistedTest(req);
    const second = await runAllowlistedTest(req);
    expect(second.stdout_path).not.toBe(first.stdout_path);
    expect(second.stderr_path).not.toBe(first.stderr_path);
    expect(readdirSync(path.join(dataDir, "logs"))).toHaveLength(4);
  });

  it("kills the whole process tree on timeout", async () => {
    const { cwd, dataDir } = dirsFor();
    // The child starts a grandchild, prints its pid, then both sleep forever.
    const script = [
      "const { spawn } = require('node:child_process');",
      "const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
      "console.log(g.pid);",
      "setInterval(() => {}, 1000);",
    ].join("\n");
    const started = Date.now();
    const result = await runAllowlistedTest({
      commandKey: "hang",
      argv: [node, "-e", script],
      cwd,
      dataDir,
      timeoutMs: 1_000,
      killGraceMs: 500,
    });
    expect(result.timed_out).toBe(true);
    expect(result.exit_code).toBeNull();
    expect(result.signal).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
    const grandchild = Number(readFileSync(result.stdout_path, "utf8").trim());
    expect(grandchild).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(pidAlive(grandchild)).toBe(false);
  });

  it("refuses invalid argv, unsafe keys, shell shims and unknown executables", async () => {
    const { cwd, dataDir } = dirsFor();
    await expect(runAllowlistedTest({ commandKey: "unit", argv: [], cwd, dataDir })).rejects.toThrow(
      "Test command 'unit' has invalid argv",
    );
    await expect(runAllowlistedTest({ commandKey: "unit", argv: [node, ""], cwd, dataDir })).rejects.toThrow(
      "Test command 'unit' has invalid argv",
    );
    await expect(runAllowlistedTest({ commandKey: "../x", argv: [node], cwd, dataDir })).rejects.toThrow(
      /is not a safe name/,
    );
    await expect(
      runAllowlistedTest({ commandKey: "unit", argv: [`${cwd}/npm.cmd`, "test"], cwd, dataDir }),
    ).rejects.toThrow(/Test command 'unit' cannot be started: program '.*npm\.cmd' is a Windows batch file/);
    await expect(
      runAllowlistedTest({ commandKey: "unit", argv: ["grace-no-such-binary-xyz"], cwd, dataDir }),
    ).rejects.toThrow("Test command 'unit' could not be started: ENOENT");
    await expect(
      runAllowlistedTest({ commandKey: "unit", argv: [node], cwd: `${cwd}/missing`, dataDir }),
    ).rejects.toThrow(`Test working directory does not exist: ${cwd}/missing`);
  });
});
