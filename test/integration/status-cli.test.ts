/**
 * grace-status against a ledger built through the real tool handlers, run as the built CLI in a
 * child process: the JSON snapshot, the text tree, the project filter, and read-only behaviour.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, test } from "vitest";
import { continuationId } from "../../src/continuation/ids.js";
import { enqueueDeliveries } from "../../src/continuation/deliveries.js";
import { deadLetterDue, findDelivery } from "../../src/ledger/tables/continuation-deliveries.js";
import { openLedger } from "../../src/ledger/database.js";
import { MIGRATIONS } from "../../src/ledger/migrations.js";
import type { StatusSnapshot } from "../../src/status/snapshot.js";
import { tempDir } from "../helpers/git-repo.js";
import {
  createPackage,
  inProcessCaller,
  makeGraceRepo,
  planTask,
  STORE,
  submit,
  commitFiles,
} from "../helpers/git-repo-lifecycle.js";
import { REPO_ROOT } from "../helpers/mcp-client.js";

const CLI = path.join(REPO_ROOT, "dist", "src", "cli", "status.js");

function run(...args: string[]) {
  // No shell; a clean env so a developer's GRACE_ORCHESTRATOR_DATA_DIR cannot leak in.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** A private copy of the built data dir (ledger and runs, no sidecars), so runs cannot touch the shared one. */
function copyDataDir(from: string): string {
  const to = tempDir("grace-status-copy-");
  cpSync(from, to, { recursive: true, filter: (src) => !/\.sqlite3-(wal|shm)$/.test(src) });
  return to;
}

interface Built {
  dataDir: string;
  a: { projectId: number; taskId: number; packageId: number };
  b: { projectId: number; taskId: number };
}

let built: Built;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.json first`);
  const dataDir = tempDir("grace-status-data-");
  const { repo, base } = makeGraceRepo();
  const caller = inProcessCaller(dataDir);
  try {
    // Project A: a package claimed and submitted by the junior (awaiting GLM review).
    const a = await planTask(caller.call, repo);
    const pkg = await createPackage(caller.call, a.taskId, base);
    await caller.call("junior", "workpackage.claim", { work_package_id: pkg.id });
    await submit(caller.call, "junior", a.taskId, pkg.id, commitFiles(repo, { [STORE]: "// v1\n" }), [STORE]);
    // Project B (its own repository: one project per repo): planned and tests prepared, no packages yet.
    const b = await planTask(caller.call, makeGraceRepo().repo);
    // One pending and one dead-lettered delivery for A, one pending for B.
    const runA = `project-${a.projectId}/task-${a.taskId}/package-${pkg.id}`;
    const runB = `project-${b.projectId}/task-${b.taskId}/package-999`;
    const db = caller.ctx.db;
    const now = new Date().toISOString();
    const items = [
      { runId: runA, sourceEventId: "evt_a1" },
      { runId: runA, sourceEventId: "evt_a2" },
      { runId: runB, sourceEventId: "evt_b1" },
    ].map((d) => ({ ...d, continuationId: continuationId(d.runId, d.sourceEventId) }));
    enqueueDeliveries(db, items, now);
    const dead = findDelivery(db, items[1]!.continuationId)!;
    expect(deadLetterDue(db, dead, now, "controller never started")).toBe(true);
    built = { dataDir, a: { ...a, packageId: pkg.id }, b };
  } finally {
    await caller.close();
  }
});

describe("grace-status", () => {
  test("--json prints the snapshot: tasks, package statuses, next actions, event counts, deliveries", () => {
    const { a, b, dataDir } = built;
    const r = run("--data-dir", dataDir, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const snap = JSON.parse(r.stdout) as StatusSnapshot;
    expect(snap.projects_count).toBe(2);
    expect(snap.projects.map((p) => p.id)).toEqual([a.projectId, b.projectId]);
    const taskA = snap.projects[0]!.tasks[0]!;
    expect(taskA).toMatchObject({ id: a.taskId, title: "Harden the order store" });
    expect(taskA.next_action).toEqual({
      role: "glm",
      action: `review.glm_submit for package #${a.packageId}`,
    });
    expect(taskA.work_packages).toHaveLength(1);
    expect(taskA.work_packages[0]).toMatchObject({
      id: a.packageId,
      status: "SUBMITTED",
      assigned_junior_agent: "junior-1",
      assigned_pro_agent: "pro-1",
      claimed_by_agent: "junior-1",
      event_count: 1, // WORKER_READY_FOR_REVIEW from the submission
      latest_session_state: null,
      mimo_sessions: [],
    });
    const taskB = snap.projects[1]!.tasks[0]!;
    expect(taskB).toMatchObject({ id: b.taskId, status: "GLM_TESTS_PREPARED", work_packages: [] });
    expect(taskB.next_action.action).toBe("workpackage.create or submission.controller_task_completion");
    expect(snap.continuation_deliveries.map((d) => [d.project_id, d.state])).toEqual([
      [a.projectId, "PENDING"],
      [a.projectId, "DEAD_LETTER"],
      [b.projectId, "PENDING"],
    ]);
    expect(snap.continuation_deliveries[1]!.last_error).toBe("controller never started");
  });

  test("the text tree names projects, tasks, packages and deliveries, without colours when piped", () => {
    const { a, b, dataDir } = built;
    const r = run("--data-dir", dataDir);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^GRACE Orchestrator Status Snapshot \[.+\]$/);
    expect(lines[1]).toBe("Supervisor: never started on this data dir: worker events start no controller");
    expect(lines[2]).toBe("Needs attention (1):");
    expect(lines[3]).toMatch(
      /^ {2}! WP #\d+ \(task #\d+\) continuation dead-lettered, (just now|.+ ago): controller never started$/,
    );
    expect(lines[4]).toBe(
      "Total Projects: 2, tasks: 2, work packages: 1, running Mimo sessions: 0, open deliveries: 3",
    );
    expect(lines[5]).toBe("=".repeat(60));
    expect(r.stdout).not.toContain("\u001b[");
    expect(r.stdout).toContain(`Project #${a.projectId}: orderdesk (Branch: main)`);
    expect(r.stdout).toContain(
      `── Task #${a.taskId}: Harden the order store [WORK_PACKAGES_ASSIGNED] Next: glm -> review.glm_submit for package #${a.packageId}`,
    );
    expect(r.stdout).toMatch(
      `── WP #${a.packageId}: Duplicate check in the order store [SUBMITTED] (Claimed: junior-1) (Assigned: junior-1, pro-1) (Events: 1, latest: WORKER_READY_FOR_REVIEW `,
    );
    expect(r.stdout).toContain(`── Task #${b.taskId}: Harden the order store [GLM_TESTS_PREPARED]`);
    expect(r.stdout).toContain("── No work packages.");
    expect(r.stdout).toContain("Open continuation deliveries: 3");
    expect(r.stdout).toMatch(/\[DEAD_LETTER\] attempts: 0, .* last error: controller never started/);

    const ascii = run("--data-dir", dataDir, "--ascii").stdout;
    expect(ascii).toContain(`+-- WP #${a.packageId}: Duplicate check in the order store [SUBMITTED]`);
    expect(ascii).not.toMatch(/[├└│]/);
  });

  test("--project shows only that project and its deliveries", () => {
    const { a, b, dataDir } = built;
    const snap = JSON.parse(
      run("--data-dir", dataDir, "--json", "--project", String(b.projectId)).stdout,
    ) as StatusSnapshot;
    expect(snap.projects_count).toBe(1);
    expect(snap.projects[0]!.id).toBe(b.projectId);
    expect(snap.continuation_deliveries.map((d) => d.project_id)).toEqual([b.projectId]);
    const text = run("--data-dir", dataDir, "--project", String(a.projectId)).stdout;
    expect(text).toContain("Total Projects: 1,");
    expect(text).not.toContain(`Project #${b.projectId}:`);
    expect(text).toContain("Open continuation deliveries: 2");
  });

  test("the ledger file is byte-identical after runs and nothing is written beside it", () => {
    const dataDir = copyDataDir(built.dataDir);
    const ledger = path.join(dataDir, "ledger.sqlite3");
    const before = sha256(ledger);
    expect(readdirSync(dataDir).filter((f) => f.startsWith("ledger.sqlite3-"))).toEqual([]);
    expect(run("--data-dir", dataDir, "--json").code).toBe(0);
    expect(run("--data-dir", ledger).code).toBe(0); // the ledger file itself also works
    expect(sha256(ledger)).toBe(before);
    // A WAL-mode reader opens the -wal and -shm SQLite needs, but a read-only one writes no page:
    // the -wal stays empty. The -shm is the readers' shared index, not data. Nothing else appears.
    const wal = `${ledger}-wal`;
    if (existsSync(wal)) expect(statSync(wal).size).toBe(0);
    expect(
      readdirSync(dataDir).filter(
        (f) => !["ledger.sqlite3", "ledger.sqlite3-shm", "ledger.sqlite3-wal", "runs"].includes(f),
      ),
    ).toEqual([]);
  });

  test("beside a live writer it reads the un-checkpointed WAL and modifies neither the ledger nor the -wal", () => {
    const dataDir = copyDataDir(built.dataDir);
    const ledger = path.join(dataDir, "ledger.sqlite3");
    // The server's connection: WAL frames it has not checkpointed into the ledger file yet.
    const writer = new Database(ledger);
    try {
      writer.pragma("wal_autocheckpoint = 0");
      writer.prepare("UPDATE tasks SET title = 'Written by a live server' WHERE id = ?").run(built.a.taskId);
      const wal = `${ledger}-wal`;
      expect(statSync(wal).size).toBeGreaterThan(0);
      const ledgerBefore = sha256(ledger);
      const walBefore = sha256(wal);
      const r = run("--data-dir", dataDir, "--json");
      expect(r.code).toBe(0);
      const snap = JSON.parse(r.stdout) as StatusSnapshot;
      expect(snap.projects[0]!.tasks[0]!.title).toBe("Written by a live server");
      expect(sha256(ledger)).toBe(ledgerBefore); // never checkpointed into the ledger
      expect(sha256(wal)).toBe(walBefore); // and nothing appended to or reset in the WAL
    } finally {
      writer.close();
    }
  });

  test("a missing data dir or ledger exits 2 with a message and creates nothing", () => {
    const parent = tempDir("grace-status-missing-");
    const missing = path.join(parent, "nope");
    const r = run("--data-dir", missing, "--json");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`The data dir does not exist: ${missing}`);
    expect(existsSync(missing)).toBe(false);

    const empty = run("--data-dir", parent);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("No ledger at");
    expect(readdirSync(parent)).toEqual([]);

    // An older schema is the server's to migrate: refused, and the file is left as it was.
    const old = new Database(path.join(parent, "ledger.sqlite3"));
    for (const m of MIGRATIONS.slice(0, 2)) old.exec(m.sql);
    old.pragma("user_version = 2");
    old.close();
    const before = sha256(path.join(parent, "ledger.sqlite3"));
    const stale = run("--data-dir", parent);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain("start the orchestrator server once to migrate it");
    expect(sha256(path.join(parent, "ledger.sqlite3"))).toBe(before);
  });

  test("a ledger with no project says so and what registers one", () => {
    const dataDir = tempDir("grace-status-empty-");
    openLedger(dataDir).close();
    const r = run("--data-dir", dataDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "No registered projects found. A controller registers one with the project.init tool (see the README's quickstart).",
    );
  });

  test("--watch re-renders when a handoff event wakes the runs channel, and exits 0 on Ctrl-C", async () => {
    const { a, dataDir } = built;
    // A 60 s interval: a second frame within the test can only come from the wake.
    const child = spawn(process.execPath, [CLI, "--data-dir", dataDir, "--watch", "60", "--json"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    const frames = () => out.split('"snapshot_timestamp"').length - 1;
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(ok()).toBe(true);
    };
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await until(() => frames() >= 1);
      const caller = inProcessCaller(dataDir);
      try {
        await caller.call("glm", "review.glm_submit", {
          target_id: a.packageId,
          decision: "rejected_repair_required",
          findings: ["no duplicate test"],
          required_fixes: ["add the duplicate test"],
        });
      } finally {
        await caller.close();
      }
      await until(() => out.includes('"status":"REPAIR_REQUIRED"'));
      // NDJSON: every frame is one line of JSON.
      for (const line of out.trimEnd().split("\n")) expect(() => JSON.parse(line) as unknown).not.toThrow();
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
