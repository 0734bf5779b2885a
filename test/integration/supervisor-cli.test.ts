/**
 * The built supervisor and server refusing misconfiguration at start, and the supervisor's log file
 * and heartbeat, run as child processes the way the Task Scheduler or a person starts them.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import {
  heartbeatFile,
  judgeHeartbeat,
  readHeartbeat,
  supervisorState,
} from "../../src/continuation/heartbeat.js";
import { openLedger } from "../../src/ledger/database.js";
import { openNamedSignal } from "../../src/signal/named-signal.js";
import { startSupervisor } from "../helpers/fake-controller-harness.js";
import { initRepo, tempDir } from "../helpers/git-repo.js";
import { REPO_ROOT } from "../helpers/mcp-client.js";
import { appendTrigger } from "./continuation-fixture.js";

const SUPERVISOR = path.join(REPO_ROOT, "dist", "src", "cli", "bin", "grace-host-continuation.js");
const SERVER = path.join(REPO_ROOT, "dist", "src", "cli", "bin", "grace-orchestrator-mcp.js");
const LOG = (data: string) => path.join(data, "logs", "grace-host-continuation-supervisor.log");

function run(entry: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [entry, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    input: "",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("misconfiguration is refused loudly", () => {
  test("--once without a launch command exits 1 and says which variables to set", () => {
    const data = tempDir("sup-nocmd-");
    const r = run(SUPERVISOR, ["--once", "--data-dir", data]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "no_launch_command", data_dir: data });
    expect(r.stderr).toContain("GRACE_CODEX_RESUME_COMMAND");
    expect(fs.readdirSync(data)).toEqual([]);
  });

  test("a data dir inside a git repository: the supervisor (both modes) and the server exit 2, creating nothing", () => {
    const repo = tempDir("sup-repo-");
    initRepo(repo);
    const data = path.join(repo, "state", "grace");
    const env = {
      GRACE_ORCHESTRATOR_DATA_DIR: data,
      GRACE_CODEX_START_COMMAND: "codex exec",
      GRACE_ORCHESTRATOR_ACTOR_NAME: "codex-main",
      GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex",
    };
    for (const [entry, args] of [
      [SUPERVISOR, ["--once"]],
      [SUPERVISOR, []],
      [SERVER, []],
    ] as const) {
      const r = run(entry, [...args], env);
      expect(r.code, `${path.basename(entry)} ${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`inside the git repository ${repo}`);
    }
    expect(fs.existsSync(data)).toBe(false);
  });
});

describe("the running supervisor", () => {
  test("without a launch command it warns at start, on stderr and in its log file", async () => {
    const data = tempDir("sup-warn-");
    const child = spawn(process.execPath, [SUPERVISOR, "--data-dir", data, "--poll-interval-seconds", "60"], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { PATH: process.env.PATH ?? "" },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    try {
      await expect.poll(() => stderr, { timeout: 10_000 }).toMatch(/WARN No launch command is configured/);
      await expect
        .poll(() => fs.existsSync(LOG(data)) && fs.readFileSync(LOG(data), "utf8"))
        .toMatch(/WARN No launch/);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });

  test("logs every scan decision at info to its log file, keeps stderr, and beats while alive", async () => {
    const data = tempDir("sup-log-");
    const records = tempDir("sup-log-rec-");
    const sup = await startSupervisor(data, records, "");
    try {
      await expect.poll(async () => (await supervisorState(data)).state).toBe("alive");
      expect(readHeartbeat(data)).toMatchObject({ pid: sup.child.pid, poll_interval_seconds: 60 });
      appendTrigger(data, "project-1/task-2/package-3", 1, "WORKER_BLOCKED");
      const signal = openNamedSignal(data);
      signal.notify("runs");
      signal.close();
      await expect
        .poll(() => fs.existsSync(LOG(data)) && fs.readFileSync(LOG(data), "utf8"), { timeout: 15_000 })
        .toMatch(/INFO delivery \w+ \{.*"run_id":"project-1\/task-2\/package-3"/);
      const log = fs.readFileSync(LOG(data), "utf8");
      expect(log).toContain("INFO scan enqueued deliveries");
      expect(log).toContain("INFO host continuation supervisor started");
      expect(sup.stderr()).toMatch(/INFO delivery \w+/);
    } finally {
      await sup.stop();
    }
    expect((await supervisorState(data)).state).toBe("not_running");
    expect(fs.existsSync(heartbeatFile(data))).toBe(true);
  });
});

describe("a single scan (--once)", () => {
  test("on a ledger, leaves a beat that says a supervisor ran and is gone, and never replaces a live one's", async () => {
    const data = tempDir("sup-once-");
    openLedger(data).close();
    const env = { GRACE_CODEX_START_COMMAND: "codex exec" };
    const first = run(SUPERVISOR, ["--once", "--data-dir", data], env);
    expect(first.code, first.stderr).toBe(0);
    expect(await supervisorState(data)).toMatchObject({ state: "not_running" });
    const records = tempDir("sup-once-rec-");
    const sup = await startSupervisor(data, records, "");
    try {
      await expect.poll(async () => (await supervisorState(data)).state).toBe("alive");
      const again = run(SUPERVISOR, ["--once", "--data-dir", data], env);
      expect(again.code, again.stderr).toBe(0);
      expect(readHeartbeat(data)?.pid).toBe(sup.child.pid);
    } finally {
      await sup.stop();
    }
  });
});

describe("judgeHeartbeat", () => {
  const beat = { pid: 1, os_start_time: "1@x", at: "2026-01-01T00:00:00.000Z", poll_interval_seconds: 10 };
  const at = (s: number) => Date.parse(beat.at) + s * 1000;
  test.each([
    ["MATCH", 9999, "alive"],
    ["NOT_FOUND_OR_REUSED", 1, "not_running"],
    ["UNKNOWN", 59, "alive"],
    ["UNKNOWN", 61, "not_running"],
  ] as const)("liveness %s, %i s after the beat → %s", (liveness, seconds, expected) => {
    expect(judgeHeartbeat(beat, liveness, at(seconds))).toBe(expected);
  });
});
