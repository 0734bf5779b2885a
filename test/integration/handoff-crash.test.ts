import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { projectPending } from "../../src/handoff/projector.js";
import { eventsPath } from "../../src/handoff/run-paths.js";
import { openLedger } from "../../src/ledger/database.js";
import { REPO_ROOT, tempDir } from "../helpers/mcp-client.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

const WRITER = path.join(REPO_ROOT, "dist", "test", "helpers", "handoff-writer.js");
const TARGET = 1000;
const WRITERS = 4;

function committed(dataDir: string): number {
  const db = openLedger(dataDir);
  try {
    return (db.prepare("SELECT COUNT(*) c FROM handoff_events").get() as { c: number }).c;
  } finally {
    db.close();
  }
}

test(
  "writers SIGKILLed at random points leave every committed event exactly once, in seq order, in ledger and NDJSON",
  { timeout: 180_000 },
  async () => {
    const dataDir = tempDir("crash");
    const seeded = seedClaimedPackage(dataDir, tempDir("crash-repo"), "junior-1", 2);
    let crashed = "";
    const spawnWriter = (): ChildProcess => {
      const child = spawn(process.execPath, [WRITER, dataDir, seeded.packageIds.join(","), "100000"], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      // A writer that dies on its own (not by our SIGKILL) is a bug, not a crash we injected.
      child.on("exit", (code) => {
        if (code !== null && code !== 0) crashed ||= err || `writer exited with ${code}`;
      });
      return child;
    };
    const live = new Set<ChildProcess>();
    let kills = 0;
    try {
      for (let i = 0; i < WRITERS; i += 1) live.add(spawnWriter());
      while (committed(dataDir) < TARGET) {
        if (crashed) throw new Error(crashed);
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 120));
        const victim = [...live][Math.floor(Math.random() * live.size)]!;
        victim.kill("SIGKILL");
        kills += 1;
        live.delete(victim);
        live.add(spawnWriter());
      }
    } finally {
      // Never leave a writer behind, whatever happened above.
      for (const child of live) child.kill("SIGKILL");
      await Promise.all(
        [...live].map(
          (c) => new Promise((r) => (c.exitCode !== null || c.signalCode ? r(null) : c.on("exit", r))),
        ),
      );
    }

    // Restart: the projector runs as at server start and brings every file up to date.
    const db = openLedger(dataDir);
    projectPending(db, dataDir, () => new Date().toISOString());
    for (const packageId of seeded.packageIds) {
      const rows = db
        .prepare("SELECT event_id, seq FROM handoff_events WHERE work_package_id = ? ORDER BY seq")
        .all(packageId) as { event_id: string; seq: number }[];
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      const text = fs.readFileSync(eventsPath(dataDir, { ...seeded, packageId }), "utf8");
      expect(text.endsWith("\n")).toBe(true);
      const lines = text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event_id: string; seq: number });
      expect(lines.map((l) => l.seq)).toEqual(rows.map((r) => r.seq));
      expect(lines.map((l) => l.event_id)).toEqual(rows.map((r) => r.event_id));
    }
    const unprojected = (
      db.prepare("SELECT COUNT(*) c FROM handoff_events WHERE projected_at IS NULL").get() as { c: number }
    ).c;
    expect(unprojected).toBe(0);
    db.close();
    console.log(`crash test: ${committed(dataDir)} events committed, ${kills} writers SIGKILLed`);
    expect(kills).toBeGreaterThan(3);
  },
);

test("a torn last line is cut, and a line already in the file is never written twice", () => {
  const dataDir = tempDir("torn");
  const seeded = seedClaimedPackage(dataDir, tempDir("torn-repo"));
  const db = openLedger(dataDir);
  const now = new Date().toISOString();
  const insert = db.prepare(
    `INSERT INTO handoff_events (event_id, project_id, task_id, work_package_id, seq, type, worker, payload_json, created_at)
     VALUES (?, ?, ?, ?, ?, 'WORKER_BLOCKED', 'junior-1', '{}', ?)`,
  );
  insert.run("evt_1", seeded.projectId, seeded.taskId, seeded.packageId, 1, now);
  insert.run("evt_2", seeded.projectId, seeded.taskId, seeded.packageId, 2, now);
  const file = eventsPath(dataDir, seeded);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // As if a crash hit after seq 1 was appended (but not marked) and midway through seq 2.
  fs.writeFileSync(file, `${JSON.stringify({ event_id: "evt_1", seq: 1 })}\n{"event_id":"evt_2","se`);
  projectPending(db, dataDir, () => now);
  const lines = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { seq: number });
  expect(lines.map((l) => l.seq)).toEqual([1, 2]);
  db.close();
});

test("the high-water mark is read from the tail of a large file, and a torn tail there is cut", () => {
  const dataDir = tempDir("tail");
  const seeded = seedClaimedPackage(dataDir, tempDir("tail-repo"));
  const file = eventsPath(dataDir, seeded);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const big = "y".repeat(1000);
  const lines = Array.from({ length: 500 }, (_, i) =>
    JSON.stringify({ event_id: `evt_${i + 1}`, seq: i + 1, pad: big }),
  );
  fs.writeFileSync(file, `${lines.join("\n")}\n{"event_id":"evt_501","seq":501,"pad":"torn`);
  const db = openLedger(dataDir);
  const insert = db.prepare(
    `INSERT INTO handoff_events (event_id, project_id, task_id, work_package_id, seq, type, worker, payload_json, created_at, projected_at)
     VALUES (?, ?, ?, ?, ?, 'WORKER_BLOCKED', 'junior-1', '{}', '2026-01-01T00:00:00Z', ?)`,
  );
  for (let seq = 1; seq <= 501; seq += 1) {
    const projected = seq < 500 ? "2026-01-01T00:00:00Z" : null;
    insert.run(`evt_${seq}`, seeded.projectId, seeded.taskId, seeded.packageId, seq, projected);
  }
  projectPending(db, dataDir, () => new Date().toISOString());
  const text = fs.readFileSync(file, "utf8");
  const seqs = text
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { seq: number }).seq);
  expect(seqs).toEqual(Array.from({ length: 501 }, (_, i) => i + 1));
  // Lines 1–500 were kept as they were (with their padding), not rewritten.
  expect(text.startsWith(`${lines.join("\n")}\n`)).toBe(true);
  db.close();
});
