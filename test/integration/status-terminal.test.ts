/**
 * grace-status prints agent-written ledger text: control sequences in it must reach the
 * terminal as visible escapes, never as commands. Runs the built CLI against a ledger built
 * through the real tool handlers.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { StatusSnapshot } from "../../src/status/snapshot.js";
import { removeDir, tempDir } from "../helpers/git-repo.js";
import { createPackage, inProcessCaller, makeGraceRepo, planTask } from "../helpers/git-repo-lifecycle.js";
import { REPO_ROOT } from "../helpers/mcp-client.js";

const CLI = path.join(REPO_ROOT, "dist", "src", "cli", "status.js");
// Clear screen + home, a C1 CSI (red), a window-title OSC, a right-to-left override, a newline.
const HOSTILE = "Evil \u001b[2J\u001b[H \u009b31m \u001b]0;pwned\u0007 \u202egnp.exe\u202c line\nbreak";
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const dirs: string[] = [];
let dataDir = "";
afterAll(() => dirs.splice(0).forEach(removeDir));

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.json first`);
  dataDir = tempDir("grace-status-tty-");
  const { repo, base } = makeGraceRepo();
  dirs.push(dataDir, repo);
  const caller = inProcessCaller(dataDir);
  try {
    const { taskId } = await planTask(caller.call, repo);
    await createPackage(caller.call, taskId, base, { title: HOSTILE });
  } finally {
    await caller.close();
  }
});

function run(...args: string[]) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  const r = spawnSync(process.execPath, [CLI, "--data-dir", dataDir, ...args], { encoding: "utf8", env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("grace-status is terminal-safe", () => {
  test("a package title holding ESC[2J, C1, OSC and bidi characters prints as visible escapes", () => {
    const r = run();
    expect(r.code).toBe(0);
    const stdoutWithoutNewlines = r.stdout.replace(/\n/g, "");
    expect(stdoutWithoutNewlines).not.toMatch(UNSAFE);
    expect(r.stdout).toContain(
      "WP #1: Evil \\x1b[2J\\x1b[H \\x9b31m \\x1b]0;pwned\\x07 \\u202egnp.exe\\u202c line\\x0abreak [",
    );
  });

  test("--json keeps the exact title for a parser while the bytes stay terminal-safe", () => {
    const r = run("--json");
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\n/g, "")).not.toMatch(UNSAFE);
    const snap = JSON.parse(r.stdout) as StatusSnapshot;
    expect(snap.projects[0]!.tasks[0]!.work_packages[0]!.title).toBe(HOSTILE);
  });
});
