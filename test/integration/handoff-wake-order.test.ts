import fs from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import { identityFor } from "../../src/config/identity.js";
import { createPublisher } from "../../src/handoff/publisher.js";
import { projectPending } from "../../src/handoff/projector.js";
import { eventsPath } from "../../src/handoff/run-paths.js";
import { openLedger, type Db } from "../../src/ledger/database.js";
import { createServiceContext } from "../../src/service/context.js";
import { reportWorkerEvent } from "../../src/service/handoff.js";
import type { NamedSignal } from "../../src/signal/named-signal.js";
import { tempDir } from "../helpers/mcp-client.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

/** What another process could see of the package at the moment a channel was woken. */
interface AtWake {
  channel: string;
  fileText: string;
  /** projected_at of every event, as a second connection (another process) reads the ledger. */
  marks: (string | null)[];
}

/**
 * A worker's server whose wake signal is the real one, observed: at each notify it records what a
 * woken reader in another process would find in events.ndjson and in the ledger.
 */
function world() {
  const dataDir = tempDir("wake-order");
  const seeded = seedClaimedPackage(dataDir, tempDir("wake-order-repo"));
  const db: Db = openLedger(dataDir);
  const other: Db = openLedger(dataDir);
  const file = eventsPath(dataDir, seeded);
  const seen: AtWake[] = [];
  const ctx = createServiceContext(db, identityFor("junior-1", "worker_junior"), dataDir);
  const real = ctx.signal;
  const observed: NamedSignal = {
    subscribe: (channel) => real.subscribe(channel),
    close: () => real.close(),
    notify(channel) {
      seen.push({
        channel,
        fileText: fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "",
        marks: (
          other.prepare("SELECT projected_at FROM handoff_events ORDER BY id").all() as {
            projected_at: string | null;
          }[]
        ).map((r) => r.projected_at),
      });
      return real.notify(channel);
    },
  };
  const worker = { ...ctx, signal: observed, events: createPublisher(db, dataDir, observed) };
  const report = (message: string) =>
    reportWorkerEvent(
      worker,
      { work_package_id: seeded.packageId, event_type: "WORKER_BLOCKED", message },
      0,
    );
  const close = () => {
    real.close();
    db.close();
    other.close();
  };
  return { dataDir, seeded, db, other, file, seen, report, close };
}

describe("a report wakes its waiters once the event is readable, without waiting for the disk", () => {
  const worlds: ReturnType<typeof world>[] = [];
  afterAll(() => worlds.forEach((w) => w.close()));

  test("at the wake the event's line is already in events.ndjson, and its projection is not yet marked", () => {
    const w = world();
    worlds.push(w);
    const first = w.report("first");
    const second = w.report("second");
    // Every channel of each report was woken once: package, task, and the supervisor's runs.
    expect(w.seen.map((s) => s.channel)).toEqual([
      `package-${w.seeded.packageId}`,
      `task-${w.seeded.taskId}`,
      "runs",
      `package-${w.seeded.packageId}`,
      `task-${w.seeded.taskId}`,
      "runs",
    ]);
    const [atFirst, atSecond] = [w.seen[0]!, w.seen[3]!];
    // A reader woken by the signal finds the line (it never has to wait for the fsync after it).
    expect(atFirst.fileText).toContain(first.event_id);
    expect(atSecond.fileText).toContain(second.event_id);
    // The wake came before the fsync and the mark: another process still sees the row unmarked.
    expect(atFirst.marks).toEqual([null]);
    expect(atSecond.marks[1]).toBeNull();
    // Once the report has answered, the projection is complete and marked.
    const marks = w.other.prepare("SELECT projected_at FROM handoff_events").all() as {
      projected_at: string | null;
    }[];
    expect(marks.every((m) => m.projected_at !== null)).toBe(true);
    expect(fs.readFileSync(w.file, "utf8").trimEnd().split("\n")).toHaveLength(2);
  });

  test("the event's own commit is fsync'd: the connection is back at synchronous=FULL after a projection, even a failed one", () => {
    const w = world();
    worlds.push(w);
    const FULL = 2;
    w.report("ordinary");
    expect(w.db.pragma("synchronous", { simple: true })).toBe(FULL);
    // A projection that cannot take the write lock throws; the connection must not stay unsynced.
    w.db
      .prepare(
        "INSERT INTO handoff_events (event_id, project_id, task_id, work_package_id, seq, type, worker, payload_json, created_at) VALUES ('evt_pending', ?, ?, ?, 99, 'WORKER_BLOCKED', 'junior-1', '{}', ?)",
      )
      .run(w.seeded.projectId, w.seeded.taskId, w.seeded.packageId, new Date().toISOString());
    w.other.exec("BEGIN IMMEDIATE");
    w.db.pragma("busy_timeout = 0");
    try {
      expect(() => projectPending(w.db, w.dataDir, () => new Date().toISOString())).toThrow(/locked|busy/i);
    } finally {
      w.other.exec("ROLLBACK");
    }
    expect(w.db.pragma("synchronous", { simple: true })).toBe(FULL);
  });

  test("a catch-up before a wait does not queue for the write lock when the pending line is already in the file, and projects one that is not", () => {
    const w = world();
    worlds.push(w);
    const event = w.report("written, synced and marked");
    const codex = createServiceContext(w.other, identityFor("codex-main", "codex"), w.dataDir);
    // The moment after another server wrote the line and before it synced and marked it: the row
    // is pending and that server holds the write lock.
    const unmark = () => w.db.prepare("UPDATE handoff_events SET projected_at = NULL").run();
    unmark();
    w.db.exec("BEGIN IMMEDIATE");
    // Queueing for the lock would stall the catch-up for this long, then fail.
    w.other.pragma("busy_timeout = 3000");
    try {
      const started = Date.now();
      codex.events.catchUp();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(fs.readFileSync(w.file, "utf8")).toContain(event.event_id);
      // A full projection (start-up, retry, after a commit) still queues for the lock.
      w.other.pragma("busy_timeout = 0");
      expect(() => projectPending(w.other, w.dataDir, () => new Date().toISOString())).toThrow(
        /locked|busy/i,
      );
    } finally {
      w.db.exec("ROLLBACK");
    }
    // A pending row whose line is missing from the file is copied by the catch-up.
    fs.writeFileSync(w.file, "");
    unmark();
    codex.events.catchUp();
    expect(fs.readFileSync(w.file, "utf8")).toContain(event.event_id);
    const pending = w.other
      .prepare("SELECT COUNT(*) AS n FROM handoff_events WHERE projected_at IS NULL")
      .get() as {
      n: number;
    };
    expect(pending.n).toBe(0);
    codex.signal.close();
  });
});
