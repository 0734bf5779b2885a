import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { projectPending } from "../src/handoff/projector.js";
import { openLedger, type Db } from "../src/ledger/database.js";
import { connect, type Connected } from "../test/helpers/mcp-client.js";
import { seedClaimedPackage } from "../test/helpers/seed-ledger.js";
import { fmt, median } from "./stats.js";

/**
 * Does a call cost more when the ledger holds a long history? The same calls are timed over MCP
 * against the built servers on a fresh ledger (start) and after it grew to 2,000 tasks, 1,000
 * packages and 30,000 events on the package the calls read (end). The same two server processes
 * serve both phases; the growth is written between them through SQL and one projection.
 */
const TRIALS = Number(process.argv[2] ?? 200);
const WAKE_TRIALS = Math.max(20, Math.floor(TRIALS / 2));
const TASKS = 2_000;
const PACKAGES = 1_000;
const EVENTS = 30_000;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-scale-"));
const repo = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-scale-repo-"));
const seeded = seedClaimedPackage(dataDir, repo);

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
function grow(): void {
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
  } finally {
    db.close();
  }
}

async function timed(trials: number, fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < trials; i += 1) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

async function tool(c: Connected, name: string, args: Record<string, unknown>) {
  const r = (await c.client.callTool({ name, arguments: args })) as CallToolResult;
  if (r.isError) throw new Error(`${name}: ${JSON.stringify(r.content)}`);
  return r.structuredContent as Record<string, unknown>;
}

/** Report call starts → the controller's wait (after the newest event) returns with it. */
async function reportToWake(codex: Connected, worker: Connected): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < WAKE_TRIALS; i += 1) {
    const page = await tool(codex, "handoff.wait_for_event", {
      work_package_id: seeded.packageId,
      after_event_count: 1_000_000,
      timeout_seconds: 1,
    });
    const waiting = tool(codex, "handoff.wait_for_event", {
      work_package_id: seeded.packageId,
      after_event_id: page.next_after_event_id,
      timeout_seconds: 30,
    });
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    await tool(worker, "handoff.report_worker_event", {
      work_package_id: seeded.packageId,
      event_type: "WORKER_BLOCKED",
      message: `trial ${i}`,
    });
    const result = await waiting;
    samples.push(performance.now() - t0);
    if (result.status !== "event") throw new Error("the wait did not see the event");
  }
  return median(samples);
}

type Figures = Record<string, number>;

async function measure(codex: Connected, worker: Connected): Promise<Figures> {
  const newest = await tool(codex, "handoff.wait_for_event", {
    work_package_id: seeded.packageId,
    after_event_count: 1_000_000,
    timeout_seconds: 1,
  });
  const count = newest.event_count as number;
  return {
    whoami: await timed(TRIALS, () => tool(codex, "orchestrator.whoami", {})),
    get_next_action: await timed(TRIALS, () =>
      tool(codex, "task.get_next_action", { task_id: seeded.taskId }),
    ),
    "list_events_page (first)": await timed(TRIALS, () =>
      tool(codex, "handoff.list_events_page", { work_package_id: seeded.packageId, after_event_id: null }),
    ),
    "list_events_page (last)": await timed(TRIALS, () =>
      tool(codex, "handoff.list_events_page", {
        work_package_id: seeded.packageId,
        after_event_id: String(Math.max(0, count - 20)),
      }),
    ),
    "report → wake": await reportToWake(codex, worker),
  };
}

const env = { GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE: "0" };
const codex = await connect(dataDir, { name: "codex-main", role: "codex" }, env);
const worker = await connect(dataDir, { name: "junior-1", role: "worker_junior" }, env);
// The start already holds a few pages of events, so every page read returns a full page.
for (let i = 0; i < 40; i += 1) {
  await tool(worker, "handoff.report_worker_event", {
    work_package_id: seeded.packageId,
    event_type: "WORKER_BLOCKED",
    message: `warm-up ${i}`,
  });
}
const start = await measure(codex, worker);
const t0 = performance.now();
grow();
console.log(
  `grew the ledger to ${TASKS} tasks, ${PACKAGES} packages, +${EVENTS} events on one package in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
const end = await measure(codex, worker);
await Promise.all([codex.close(), worker.close()]);
fs.rmSync(dataDir, { recursive: true, force: true });
fs.rmSync(repo, { recursive: true, force: true });

console.log(
  `scale over MCP (separate server processes), p50 of ${TRIALS} calls (report → wake: ${WAKE_TRIALS} trials)`,
);
let met = true;
for (const name of Object.keys(start)) {
  const ratio = end[name]! / start[name]!;
  const ok = ratio <= 1.5 && end[name]! < 5;
  met &&= ok;
  console.log(
    `  ${name.padEnd(26)} start ${fmt(start[name]!).padStart(9)}  end ${fmt(end[name]!).padStart(9)}  end/start ${ratio.toFixed(2)}  ${ok ? "met" : "MISSED"}`,
  );
}
console.log(`  target: end within 1.5x of start and every p50 under 5 ms: ${met ? "met" : "missed"}`);
