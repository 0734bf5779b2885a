import { afterAll, describe, expect, test } from "vitest";
import { identityFor } from "../../src/config/identity.js";
import type { Role } from "../../src/domain/roles.js";
import { openLedger, type Db } from "../../src/ledger/database.js";
import { createServiceContext, type ServiceContext } from "../../src/service/context.js";
import {
  listEventsPage,
  reportWorkerEvent,
  waitForEvent,
  type WaitControl,
} from "../../src/service/handoff.js";
import { tempDir } from "../helpers/mcp-client.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

const LIMITS = { toolCallLimitSeconds: 60, transportGraceSeconds: 10 };

/** A controller and a worker on two separate connections to one ledger file, as two servers are. */
function world() {
  const dataDir = tempDir("wait-cursor");
  const seeded = seedClaimedPackage(dataDir, tempDir("wait-cursor-repo"));
  const open: { db: Db; ctx: ServiceContext }[] = [];
  const as = (name: string, role: Role) => {
    const db = openLedger(dataDir);
    const ctx = createServiceContext(db, identityFor(name, role), dataDir);
    open.push({ db, ctx });
    return ctx;
  };
  const codex = as("codex-main", "codex");
  const worker = as("junior-1", "worker_junior");
  const report = (message: string) =>
    reportWorkerEvent(
      worker,
      { work_package_id: seeded.packageId, event_type: "WORKER_BLOCKED", message },
      0,
    );
  const close = () => {
    for (const o of open) {
      o.ctx.signal.close();
      o.db.close();
    }
  };
  return { seeded, codex, report, close };
}

function control(afterWait: () => void, abort = new AbortController()): WaitControl {
  return { signal: abort.signal, progress: async () => {}, afterWait };
}

describe("a wait's cursor comes from the same read as its events", () => {
  const worlds: ReturnType<typeof world>[] = [];
  afterAll(() => worlds.forEach((w) => w.close()));

  for (const ending of ["timeout", "cancelled"] as const) {
    test(`an event committed by another connection as a wait ends (${ending}) is returned by the next wait`, async () => {
      const w = world();
      worlds.push(w);
      const first = w.report("first");
      let late: { event_id: string } | undefined;
      const abort = new AbortController();
      if (ending === "cancelled") abort.abort();
      const result = await waitForEvent(
        w.codex,
        { work_package_id: w.seeded.packageId, after_event_id: first.event_id, timeout_seconds: 1 },
        LIMITS,
        control(() => {
          late ??= w.report("committed between the final check and the answer");
        }, abort),
      );
      expect(result.status).toBe(ending);
      expect(result.events).toEqual([]);
      expect(result.next_after_event_id).toBe(first.event_id);
      const next = await waitForEvent(
        w.codex,
        {
          work_package_id: w.seeded.packageId,
          after_event_id: result.next_after_event_id!,
          timeout_seconds: 1,
        },
        LIMITS,
        control(() => {}),
      );
      expect(next.status).toBe("event");
      expect(next.events.map((e) => e.event_id)).toEqual([late!.event_id]);
    });
  }

  test("a null cursor means from the start, in waits and in pages", async () => {
    const w = world();
    worlds.push(w);
    const empty = await waitForEvent(
      w.codex,
      { work_package_id: w.seeded.packageId, timeout_seconds: 1 },
      LIMITS,
      control(() => {}),
    );
    expect(empty).toMatchObject({ status: "timeout", next_after_event_id: null });
    const first = w.report("first");
    const again = await waitForEvent(
      w.codex,
      { work_package_id: w.seeded.packageId, after_event_id: empty.next_after_event_id, timeout_seconds: 1 },
      LIMITS,
      control(() => {}),
    );
    expect(again.events.map((e) => e.event_id)).toEqual([first.event_id]);
    const page = listEventsPage(w.codex, w.seeded.packageId, null, 10);
    expect(page.items.map((e) => e.event_id)).toEqual([first.event_id]);
  });
});
