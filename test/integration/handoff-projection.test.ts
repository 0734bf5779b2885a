import fs from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import { objectContaining } from "../helpers/matchers.js";
import { identityFor } from "../../src/config/identity.js";
import { projectPending } from "../../src/handoff/projector.js";
import { eventsPath } from "../../src/handoff/run-paths.js";
import { openLedger, type Db } from "../../src/ledger/database.js";
import { createServiceContext, type ServiceContext } from "../../src/service/context.js";
import { reportWorkerEvent } from "../../src/service/handoff.js";
import { tempDir } from "../helpers/mcp-client.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

const now = () => new Date().toISOString();

function world(packages = 1) {
  const dataDir = tempDir("projection");
  const seeded = seedClaimedPackage(dataDir, tempDir("projection-repo"), "junior-1", packages);
  const db: Db = openLedger(dataDir);
  const worker: ServiceContext = createServiceContext(db, identityFor("junior-1", "worker_junior"), dataDir);
  const report = (message: string, packageId = seeded.packageId) =>
    reportWorkerEvent(worker, { work_package_id: packageId, event_type: "WORKER_BLOCKED", message }, 0);
  const fileOf = (packageId = seeded.packageId) => eventsPath(dataDir, { ...seeded, packageId });
  const fileLines = (packageId = seeded.packageId) =>
    fs
      .readFileSync(fileOf(packageId), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event_id: string; seq: number });
  const ledger = (packageId = seeded.packageId) =>
    db
      .prepare("SELECT event_id, seq FROM handoff_events WHERE work_package_id = ? ORDER BY seq")
      .all(packageId) as { event_id: string; seq: number }[];
  const pending = () =>
    (db.prepare("SELECT COUNT(*) AS n FROM handoff_events WHERE projected_at IS NULL").get() as { n: number })
      .n;
  const close = () => {
    worker.signal.close();
    db.close();
  };
  return { dataDir, seeded, db, report, fileOf, fileLines, ledger, pending, close };
}

describe("a damaged events.ndjson never silently drops later events", () => {
  const worlds: ReturnType<typeof world>[] = [];
  afterAll(() => worlds.forEach((w) => w.close()));

  const damages: [string, (line: string) => string][] = [
    ["a corrupted seq", (line) => line.replace(/"seq":3\b/, '"seq":99')],
    ["an unparseable line", (line) => `${line.slice(0, -5)}#garbage`],
    ["a line of another package", (line) => line.replace(/"event_id":"evt_[0-9a-f]+"/, '"event_id":"evt_0"')],
  ];
  for (const [name, damage] of damages) {
    test(`${name} in the last line: the tail is rewritten from the ledger and later events reach the file`, () => {
      const w = world();
      worlds.push(w);
      for (let i = 1; i <= 3; i += 1) w.report(`event ${i}`);
      const file = w.fileOf();
      const text = fs.readFileSync(file, "utf8").trimEnd().split("\n");
      text[2] = damage(text[2]!);
      fs.writeFileSync(file, `${text.join("\n")}\n`);
      w.report("event 4");
      w.report("event 5");
      expect(w.fileLines()).toEqual(w.ledger().map((r) => objectContaining(r)));
      expect(w.fileLines().map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(w.pending()).toBe(0);
    });
  }

  test("a package whose file cannot be written keeps its events pending and holds back no other package", () => {
    const w = world(2);
    worlds.push(w);
    const [stuck, fine] = w.seeded.packageIds as [number, number];
    fs.mkdirSync(w.fileOf(stuck), { recursive: true }); // a directory where the file belongs
    w.report("stuck", stuck);
    w.report("fine", fine);
    expect(w.fileLines(fine).map((l) => l.seq)).toEqual([1]);
    expect(w.pending()).toBe(1);
    const again = projectPending(w.db, w.dataDir, now);
    expect(again.failed.map((f) => f.events_path)).toEqual([w.fileOf(stuck)]);
    fs.rmdirSync(w.fileOf(stuck));
    const fixed = projectPending(w.db, w.dataDir, now);
    expect(fixed.failed).toEqual([]);
    expect(w.fileLines(stuck).map((l) => l.seq)).toEqual([1]);
    expect(w.pending()).toBe(0);
  });

  test("a projection that failed after the commit is retried on a timer, with no further event", async () => {
    const w = world();
    worlds.push(w);
    fs.mkdirSync(w.fileOf(), { recursive: true });
    const event = w.report("written while the file was unwritable");
    expect(w.pending()).toBe(1);
    fs.rmdirSync(w.fileOf());
    const until = Date.now() + 5_000;
    while (w.pending() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    expect(w.pending()).toBe(0);
    expect(w.fileLines().map((l) => l.event_id)).toEqual([event.event_id]);
  });
});
