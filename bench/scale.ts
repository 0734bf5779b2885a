import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { projectPending } from "../src/handoff/projector.js";
import { openLedger, type Db } from "../src/ledger/database.js";
import { connect, type Connected } from "../test/helpers/mcp-client.js";
import { seedClaimedPackage, type Seeded } from "../test/helpers/seed-ledger.js";
import { fmt, median } from "./stats.js";

/**
 * Does a call cost more when the ledger holds a long history? The same calls are timed over MCP
 * against the built servers on a fresh ledger (start) and after it grew to 2,000 tasks, 1,000
 * packages and 30,000 events on the package the calls read (end). The same two server processes
 * serve both phases; the growth is written between them through SQL and one projection.
 */
const TRIALS = Number(process.argv[2] ?? 200);
const TASKS = 2_000;
const PACKAGES = 1_000;
const EVENTS = 30_000;

interface World {
  dataDir: string;
  repo: string;
  seeded: Seeded;
  codex: Connected;
  worker: Connected;
}

/** Copies row `id` of `table` n times with some columns overridden; returns the new ids. */
function cloneRows(
  db: Db,
  table: string,
  id: number,
  n: number,
  override: (i: number) => Record<string, unknown>,
) {
  const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
    .map((c) => c.name)
    .filter((c) => c !== "id");
  const row = db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Record<string, unknown>;
  const insert = db.prepare(
    `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
  );
  const ids: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const values = { ...row, ...override(i) };
    ids.push(Number(insert.run(...columns.map((c) => values[c] ?? null)).lastInsertRowid));
  }
  return ids;
}

/** Grows the ledger the way months of use would, straight through SQL (the calls under test are not timed here). */
function grow(dataDir: string, seeded: Seeded): void {
  const db = openLedger(dataDir);
  try {
    db.transaction(() => {
      const tasks = cloneRows(db, "tasks", seeded.taskId, TASKS - 1, (i) => ({ title: `task ${i}` }));
      cloneRows(db, "work_packages", seeded.packageId, PACKAGES - 1, (i) => ({
        task_id: tasks[i % tasks.length],
      }));
      const { n } = db
        .prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM handoff_events WHERE work_package_id = ?")
        .get(seeded.packageId) as { n: number };
      const insert = db.prepare(
        `INSERT INTO handoff_events (event_id, project_id, task_id, work_package_id, seq, type, worker, payload_json, created_at)
         VALUES (?, ?, ?, ?, ?, 'WORKER_BLOCKED', 'junior-1', ?, ?)`,
      );
      const at = new Date(Date.now() - 3_600_000).toISOString();
      for (let seq = n + 1; seq <= n + EVENTS; seq += 1) {
        const eventId = `evt_${seq.toString(16).padStart(32, "0")}`;
        insert.run(
          eventId,
          seeded.projectId,
          seeded.taskId,
          seeded.packageId,
          seq,
          `{"message":"history ${seq}"}`,
          at,
        );
      }
    })();
    // The history reaches events.ndjson as it would have, one projection for all of it.
    projectPending(db, dataDir, () => new Date().toISOString());
    // A ledger that grew over months has long been checkpointed; a WAL holding the whole bulk
    // load would measure the load, not the history.
    db.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

async function timed(samples: number[], trials: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < trials; i += 1) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
}

async function tool(c: Connected, name: string, args: Record<string, unknown>) {
  const r = (await c.client.callTool({ name, arguments: args })) as CallToolResult;
  if (r.isError) throw new Error(`${name}: ${JSON.stringify(r.content)}`);
  return r.structuredContent as Record<string, unknown>;
}

/**
 * Report call starts → the controller's wait (after the newest event, read untimed) returns with
 * it; the worker's own call is timed too. The wait is timed on its own: a wake need not wait for
 * the worker's answer.
 */
async function reportToWake(w: World, out: Samples, trials: number): Promise<void> {
  for (let i = 0; i < trials; i += 1) {
    const waiting = tool(w.codex, "handoff.wait_for_event", {
      work_package_id: w.seeded.packageId,
      after_event_id: lastEventId(w),
      timeout_seconds: 30,
    }).then((result) => ({ result, at: performance.now() }));
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    await tool(w.worker, "handoff.report_worker_event", {
      work_package_id: w.seeded.packageId,
      event_type: "WORKER_BLOCKED",
      message: `trial ${i}`,
    });
    out[REPORT_CALL]!.push(performance.now() - t0);
    const { result, at } = await waiting;
    out["report → wake"]!.push(at - t0);
    if (result.status !== "event") throw new Error("the wait did not see the event");
  }
}

function count(w: World): number {
  const db = openLedger(w.dataDir);
  try {
    return (
      db
        .prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM handoff_events WHERE work_package_id = ?")
        .get(w.seeded.packageId) as { n: number }
    ).n;
  } finally {
    db.close();
  }
}

function lastEventId(w: World): string | null {
  const db = openLedger(w.dataDir);
  try {
    const row = db
      .prepare("SELECT event_id FROM handoff_events WHERE work_package_id = ? ORDER BY seq DESC LIMIT 1")
      .get(w.seeded.packageId) as { event_id: string } | undefined;
    return row?.event_id ?? null;
  } finally {
    db.close();
  }
}

const CALLS = [
  "whoami",
  "get_next_action",
  "list_events_page (first)",
  "list_events_page (last)",
  "report → wake",
];
/** Timed too, but not a figure of the target: the worker's own report call (commit, projection, fsyncs). */
const REPORT_CALL = "report call";
type Samples = Record<string, number[]>;

/** One round of every call against one world, appending to its samples. */
async function round(w: World, out: Samples, trials: number): Promise<void> {
  const n = count(w);
  await timed(out.whoami!, trials, () => tool(w.codex, "orchestrator.whoami", {}));
  await timed(out.get_next_action!, trials, () =>
    tool(w.codex, "task.get_next_action", { task_id: w.seeded.taskId }),
  );
  await timed(out["list_events_page (first)"]!, trials, () =>
    tool(w.codex, "handoff.list_events_page", { work_package_id: w.seeded.packageId, after_event_id: null }),
  );
  await timed(out["list_events_page (last)"]!, trials, () =>
    tool(w.codex, "handoff.list_events_page", {
      work_package_id: w.seeded.packageId,
      after_event_id: String(Math.max(0, n - 20)),
    }),
  );
  await reportToWake(w, out, Math.max(2, Math.floor(trials / 2)));
}

const env = { GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE: "0" };

async function world(prefix: string, big: boolean): Promise<World> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `grace-bench-scale-${prefix}-`));
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), `grace-bench-scale-${prefix}-repo-`));
  const seeded = seedClaimedPackage(dataDir, repo);
  const codex = await connect(dataDir, { name: "codex-main", role: "codex" }, env);
  const worker = await connect(dataDir, { name: "junior-1", role: "worker_junior" }, env);
  // Both hold a few pages of events, so every page read returns a full page.
  for (let i = 0; i < 40; i += 1) {
    await tool(worker, "handoff.report_worker_event", {
      work_package_id: seeded.packageId,
      event_type: "WORKER_BLOCKED",
      message: `warm-up ${i}`,
    });
  }
  if (big) {
    const t0 = performance.now();
    grow(dataDir, seeded);
    console.log(
      `grew a ledger to ${TASKS} tasks, ${PACKAGES} packages, +${EVENTS} events on one package in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  return { dataDir, repo, seeded, codex, worker };
}

// Start and end are two ledgers served side by side and measured in alternating rounds, so a
// shared machine's load falls on both alike and the ratio compares like with like.
const start = await world("start", false);
const end = await world("end", true);
const samples = { start: {} as Samples, end: {} as Samples };
for (const name of [...CALLS, REPORT_CALL]) {
  samples.start[name] = [];
  samples.end[name] = [];
}
const ROUNDS = 10;
for (let r = 0; r < ROUNDS; r += 1) {
  await round(start, samples.start, Math.ceil(TRIALS / ROUNDS));
  await round(end, samples.end, Math.ceil(TRIALS / ROUNDS));
}
for (const w of [start, end]) {
  await Promise.all([w.codex.close(), w.worker.close()]);
  fs.rmSync(w.dataDir, { recursive: true, force: true });
  fs.rmSync(w.repo, { recursive: true, force: true });
}

console.log(
  `scale over MCP (separate server processes), p50 of ${TRIALS} calls each (report → wake: ${samples.start["report → wake"]!.length}), ${ROUNDS} alternating rounds`,
);
let met = true;
for (const name of CALLS) {
  const a = median(samples.start[name]!);
  const b = median(samples.end[name]!);
  const ok = b / a <= 1.5 && b < 5;
  met &&= ok;
  console.log(
    `  ${name.padEnd(26)} start ${fmt(a).padStart(9)}  end ${fmt(b).padStart(9)}  end/start ${(b / a).toFixed(2)}  ${ok ? "met" : "MISSED"}`,
  );
}
console.log(`  target: end within 1.5x of start and every p50 under 5 ms: ${met ? "met" : "missed"}`);
console.log(
  `  (the worker's own report call: start ${fmt(median(samples.start[REPORT_CALL]!))}, end ${fmt(median(samples.end[REPORT_CALL]!))})`,
);
