import { expect, test } from "vitest";
import { enqueueDeliveries } from "../../src/continuation/deliveries.js";
import { findDelivery } from "../../src/ledger/tables/continuation-deliveries.js";
import { continuationId } from "../../src/continuation/ids.js";
import { DELIVERY_STATES } from "../../src/continuation/limits.js";
import { openLedger } from "../../src/ledger/database.js";
import { tempDir } from "./continuation-fixture.js";

const RUN = "project-1/task-1/package-1";
const NOW = "2030-01-01T00:00:00.000Z";
const delivery = (eventId: string) => ({
  continuationId: continuationId(RUN, eventId),
  runId: RUN,
  sourceEventId: eventId,
});

/** Which states of a run's earlier delivery make a new event of the run join it instead of launching. */
const JOINS: Record<(typeof DELIVERY_STATES)[number], boolean> = {
  PENDING: true,
  CLAIMED: true,
  CONTROLLER_STARTED: true,
  RETRY_WAIT: true,
  ACKNOWLEDGED: false,
  RESOLVED: false,
  DEAD_LETTER: false,
};

test.each(DELIVERY_STATES.map((s) => [s, JOINS[s]] as const))(
  "an event of a run whose delivery is %s joins it: %s",
  (state, joins) => {
    const db = openLedger(tempDir("coalesce"));
    try {
      expect(enqueueDeliveries(db, [delivery("evt_first")], NOW)).toBe(1);
      const first = delivery("evt_first").continuationId;
      db.prepare("UPDATE continuation_deliveries SET state = ? WHERE continuation_id = ?").run(state, first);
      expect(enqueueDeliveries(db, [delivery("evt_second")], NOW)).toBe(1);
      const second = findDelivery(db, delivery("evt_second").continuationId)!;
      if (joins) {
        expect(second.state).toBe("RESOLVED");
        expect(JSON.parse(second.resolution_json!)).toEqual({ coalesced_into: first });
      } else {
        expect(second.state).toBe("PENDING");
      }
      // Idempotent either way: the same event again adds nothing.
      expect(enqueueDeliveries(db, [delivery("evt_second")], NOW)).toBe(0);
    } finally {
      db.close();
    }
  },
);

test("a batch of events of one run queues one launch; the rest join it", () => {
  const db = openLedger(tempDir("coalesce-batch"));
  try {
    const batch = Array.from({ length: 50 }, (_, i) => delivery(`evt_${i}`));
    expect(enqueueDeliveries(db, batch, NOW)).toBe(50);
    const states = db
      .prepare("SELECT state, COUNT(*) AS n FROM continuation_deliveries GROUP BY state ORDER BY state")
      .all();
    expect(states).toEqual([
      { state: "PENDING", n: 1 },
      { state: "RESOLVED", n: 49 },
    ]);
  } finally {
    db.close();
  }
});
