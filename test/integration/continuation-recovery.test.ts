import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { parsed } from "../helpers/answer.js";
import { findDelivery } from "../../src/ledger/tables/continuation-deliveries.js";
import { hostPaths } from "../../src/continuation/paths.js";
import { acquireRunLock } from "../../src/continuation/run-lock.js";
import { ConflictError } from "../../src/domain/errors.js";
import { captureIdentity, checkLiveness } from "../../src/process/identity.js";
import {
  ackContinuation,
  getContinuation,
  requeueDeadLetter,
  resolveContinuation,
} from "../../src/service/continuation.js";
import {
  appendTrigger,
  codexContext,
  hostEvents,
  inProcessSupervisor,
  sleep,
  type InProcess,
} from "./continuation-fixture.js";

const RUN = "project-1/task-2/package-3";
const open: InProcess[] = [];
// Stand-in processes a test starts; a failing assertion must not leave one running.
const victims: ChildProcess[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.supervisor.close();
  for (const child of victims.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
});

function make(opts: Parameters<typeof inProcessSupervisor>[0] = {}): InProcess {
  const s = inProcessSupervisor(opts);
  open.push(s);
  return s;
}

/** The launch gate lives as long as the controller; wait until the recorded one is gone. */
async function waitGateGone(s: InProcess, continuationId: string): Promise<void> {
  const { db } = codexContext(s.dataDir);
  try {
    const row = findDelivery(db, continuationId)!;
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const live = await checkLiveness({
        pid: row.controller_pid!,
        os_start_time: row.controller_process_started_at_os!,
      });
      if (live === "NOT_FOUND_OR_REUSED") return;
      await sleep(20);
    }
    throw new Error("gate still alive");
  } finally {
    db.close();
  }
}

describe("recovery", () => {
  test("a controller that never ACKs is retried after 5 s and 30 s of back-off, then dead-lettered after 3 attempts", async () => {
    const s = make();
    const eventId = appendTrigger(s.dataDir, RUN, 1);
    const first = await s.supervisor.scan();
    expect(first.delivery_results).toMatchObject([{ status: "started", attempts: 1 }]);
    const cid = first.delivery_results[0]!.continuation_id;
    await s.waitForLaunches(1);
    await waitGateGone(s, cid);

    // Inside the ACK lease nothing happens.
    s.clock.advance(299_000);
    expect((await s.supervisor.scan()).recovered).toEqual([]);
    s.clock.advance(2_000);
    const second = await s.supervisor.scan();
    expect(second.recovered).toEqual([{ continuation_id: cid, status: "retry_unacked" }]);
    expect(second.delivery_results).toEqual([]); // back-off: due in 5 s
    s.clock.advance(4_000);
    expect((await s.supervisor.scan()).delivery_results).toEqual([]);
    s.clock.advance(1_100);
    expect((await s.supervisor.scan()).delivery_results).toMatchObject([{ status: "started", attempts: 2 }]);
    await s.waitForLaunches(2);
    await waitGateGone(s, cid);

    s.clock.advance(301_000);
    expect((await s.supervisor.scan()).recovered).toEqual([
      { continuation_id: cid, status: "retry_unacked" },
    ]);
    s.clock.advance(29_000);
    expect((await s.supervisor.scan()).delivery_results).toEqual([]); // 30 s after attempt 2
    s.clock.advance(1_100);
    expect((await s.supervisor.scan()).delivery_results).toMatchObject([{ status: "started", attempts: 3 }]);
    await s.waitForLaunches(3);
    await waitGateGone(s, cid);

    s.clock.advance(301_000);
    expect((await s.supervisor.scan()).recovered).toEqual([
      { continuation_id: cid, status: "dead_lettered_unacked" },
    ]);
    s.clock.advance(3_600_000);
    expect((await s.supervisor.scan()).delivery_results).toEqual([]);
    await sleep(300);
    expect(s.launches()).toHaveLength(3);
    // Every attempt had its own token, visible to the controller in its environment.
    expect(new Set(s.launches().map((l) => l.env.GRACE_CONTINUATION_ATTEMPT_ID)).size).toBe(3);
    expect(s.launches().map((l) => l.env.GRACE_CONTINUATION_ATTEMPT)).toEqual(["1", "2", "3"]);

    const { ctx, db } = codexContext(s.dataDir, () => new Date(s.clock.now));
    try {
      const row = getContinuation(ctx, cid);
      expect(row).toMatchObject({ state: "DEAD_LETTER", attempt_count: 3 });
      expect(row.last_error).toContain("without controller ACK");
      // A late ACK of the last attempt names the delivery, its state and the states an ACK takes.
      expect(() =>
        ackContinuation(ctx, {
          continuation_id: cid,
          source_event_id: eventId,
          attempt_id: s.launches()[2]!.env.GRACE_CONTINUATION_ATTEMPT_ID!,
        }),
      ).toThrow(
        `Continuation delivery ${cid} cannot be acknowledged: state 'DEAD_LETTER' is not allowed; ` +
          "state must be one of CLAIMED, CONTROLLER_STARTED, ACKNOWLEDGED, RESOLVED",
      );
      expect(() => requeueDeadLetter(ctx, cid, "short")).toThrow(/at least 10/);
      const requeued = requeueDeadLetter(ctx, cid, "controller binary fixed, try again");
      expect(requeued).toMatchObject({ state: "PENDING", attempt_count: 0, attempt_id: null });
      expect(requeued.last_error).toBe("Requeued by codex-main: controller binary fixed, try again");
      expect(() => requeueDeadLetter(ctx, cid, "controller binary fixed, try again")).toThrow(
        /not DEAD_LETTER/,
      );
    } finally {
      db.close();
    }
    expect((await s.supervisor.scan()).delivery_results).toMatchObject([{ status: "started", attempts: 1 }]);
    expect(await s.waitForLaunches(4)).toHaveLength(4);
  });

  test("an ACK from a superseded attempt is refused as a conflict; the current attempt's ACK and resolve work", async () => {
    const s = make();
    const eventId = appendTrigger(s.dataDir, RUN, 1);
    const first = await s.supervisor.scan();
    const cid = first.delivery_results[0]!.continuation_id;
    const oldAttempt = first.delivery_results[0]!.attempt_id!;
    await s.waitForLaunches(1);
    await waitGateGone(s, cid);
    s.clock.advance(301_000);
    await s.supervisor.scan();
    s.clock.advance(5_100);
    const second = await s.supervisor.scan();
    const current = second.delivery_results[0]!.attempt_id!;
    expect(current).not.toBe(oldAttempt);
    expect(current).toMatch(/^att_[0-9a-f]{16}$/);

    const { ctx, db } = codexContext(s.dataDir);
    try {
      const keys = { continuation_id: cid, source_event_id: eventId };
      let error: unknown;
      try {
        ackContinuation(ctx, { ...keys, attempt_id: oldAttempt });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toContain("attempt_id mismatch");
      expect(() =>
        ackContinuation(ctx, { ...keys, source_event_id: "evt_other", attempt_id: current }),
      ).toThrow(/source event mismatch/);
      expect(() => ackContinuation(ctx, { ...keys, attempt_id: "  " })).toThrow(/attempt_id is required/);
      expect(() => resolveContinuation(ctx, { ...keys, attempt_id: current })).toThrow(
        /must be ACKNOWLEDGED first/,
      );
      const acked = ackContinuation(ctx, { ...keys, attempt_id: current, controller_session_id: "sess_1" });
      expect(acked).toMatchObject({ state: "ACKNOWLEDGED", controller_session_id: "sess_1" });
      expect(
        ackContinuation(ctx, { ...keys, attempt_id: current, controller_session_id: "sess_1" }).state,
      ).toBe("ACKNOWLEDGED");
      expect(() =>
        ackContinuation(ctx, { ...keys, attempt_id: current, controller_session_id: "sess_2" }),
      ).toThrow(ConflictError);
      const resolved = resolveContinuation(ctx, {
        ...keys,
        attempt_id: current,
        resolution_notes: "accepted",
      });
      expect(resolved).toMatchObject({ state: "RESOLVED", resolution: { notes: "accepted" } });
      expect(resolved.resolved_at).toBeTruthy();
      expect(resolveContinuation(ctx, { ...keys, attempt_id: current }).state).toBe("RESOLVED");
      const audit = db
        .prepare("SELECT event_type FROM audit_log WHERE target_type = 'continuation' ORDER BY id")
        .all()
        .map((r) => (r as { event_type: string }).event_type);
      expect(audit).toEqual(["CONTINUATION_ACKNOWLEDGED", "CONTINUATION_RESOLVED"]);
      expect(() => getContinuation(ctx, "cont_0000000000000000")).toThrow(
        "Continuation delivery cont_0000000000000000 does not exist",
      );
    } finally {
      db.close();
    }
    // An ACKed delivery is never recovered, however long its controller stays silent.
    s.clock.advance(3_600_000);
    const later = await s.supervisor.scan();
    expect(later.recovered).toEqual([]);
    expect(later.delivery_results).toEqual([]);
  });

  test("an early ACK wins over the late CONTROLLER_STARTED write, and the controller is then not released", async () => {
    let acked = 0;
    const s = make({
      beforeCommit: (continuationId, attemptId) => {
        const { ctx, db } = codexContext(s.dataDir);
        try {
          const row = getContinuation(ctx, continuationId);
          ackContinuation(ctx, {
            continuation_id: continuationId,
            source_event_id: row.source_event_id,
            attempt_id: attemptId,
          });
          acked += 1;
        } finally {
          db.close();
        }
      },
    });
    appendTrigger(s.dataDir, RUN, 1);
    const result = await s.supervisor.scan();
    expect(acked).toBe(1);
    expect(result.delivery_results).toMatchObject([{ status: "already_acknowledged" }]);
    const { ctx, db } = codexContext(s.dataDir);
    try {
      expect(getContinuation(ctx, result.delivery_results[0]!.continuation_id)).toMatchObject({
        state: "ACKNOWLEDGED",
        controller_pid: null,
      });
    } finally {
      db.close();
    }
    await sleep(500);
    expect(s.launches()).toHaveLength(0);
    expect(hostEvents(s.dataDir, RUN).map((e) => e.type)).toEqual(["HOST_CONTINUATION_DETECTED"]);
  });

  test("a stale lock of a killed supervisor is reclaimed and recorded; a live owner's lock is respected", async () => {
    const s = make();
    const paths = hostPaths(s.dataDir);
    // A stand-in supervisor that takes the run lock and is then killed with SIGKILL.
    const victim = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    victims.push(victim);
    const victimId = await captureIdentity(victim.pid!);
    const held = await acquireRunLock(
      paths,
      {
        runId: RUN,
        eventIndex: 1,
        eventType: "WORKER_BLOCKED",
        owner: { pid: victim.pid!, startedAtOs: victimId.os_start_time },
        nowIso: new Date().toISOString(),
      },
      checkLiveness,
      Date.now(),
    );
    expect(held.status).toBe("acquired");
    appendTrigger(s.dataDir, RUN, 1);
    const whileAlive = await s.supervisor.scan();
    expect(whileAlive.delivery_results).toMatchObject([{ status: "locked" }]);
    expect(whileAlive.locked_count).toBe(1);
    expect(s.launches()).toHaveLength(0);

    victim.kill("SIGKILL");
    await new Promise((r) => victim.once("exit", r));
    const after = await s.supervisor.scan();
    expect(after.delivery_results).toMatchObject([
      { status: "started", lock_reclaimed: { liveness: "NOT_FOUND_OR_REUSED", run_id: RUN } },
    ]);
    const reclaims = fs.readFileSync(paths.reclaimsFile, "utf8").trim().split("\n").map(parsed);
    expect(reclaims).toHaveLength(1);
    expect(reclaims[0]).toMatchObject({ run_id: RUN, stale_owner: { pid: victim.pid } });
    expect(await s.waitForLaunches(1)).toHaveLength(1);
    // The lock was released after the dispatch.
    expect(fs.readdirSync(paths.locksDir).filter((n) => !n.startsWith("."))).toEqual([]);
  });

  test("a lock directory without an owner (as the predecessor left one) blocks until it is old; nothing runs, no host events", async () => {
    const s = make();
    const paths = hostPaths(s.dataDir);
    const { lockDirName } = await import("../../src/continuation/ids.js");
    fs.mkdirSync(path.join(paths.locksDir, lockDirName(RUN)), { recursive: true });
    appendTrigger(s.dataDir, RUN, 1);
    const result = await s.supervisor.scan();
    expect(result).toMatchObject({ processed_count: 0, locked_count: 1 });
    await sleep(200);
    expect(s.launches()).toHaveLength(0);
    expect(hostEvents(s.dataDir, RUN)).toEqual([]);
  });
});
