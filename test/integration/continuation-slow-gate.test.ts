import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { findDelivery } from "../../src/ledger/tables/continuation-deliveries.js";
import { fakeControllerTemplate } from "../helpers/fake-controller-harness.js";
import {
  appendTrigger,
  codexContext,
  inProcessSupervisor,
  runDirOf,
  sleep,
  type InProcess,
} from "./continuation-fixture.js";

const RUN = "project-1/task-2/package-3";
const open: InProcess[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.supervisor.close();
});

/**
 * A supervisor whose gates can never report in time (1 ms): each gate still has the spec and
 * still starts its controller, which stays alive for a while like a real one.
 */
function slowGate(opts: Parameters<typeof inProcessSupervisor>[0] = {}): InProcess {
  const s = inProcessSupervisor({ reportTimeoutMs: 1, ...opts });
  open.push(s);
  const inner = s.supervisor as unknown as {
    opts: { settings: { controllerBaseEnv: Record<string, string> } };
  };
  inner.opts.settings.controllerBaseEnv = {
    ...inner.opts.settings.controllerBaseEnv,
    FAKE_CONTROLLER_SLEEP_MS: "4000",
  };
  return s;
}

function deliveryState(s: InProcess, continuationId: string): string {
  const { db } = codexContext(s.dataDir);
  try {
    return findDelivery(db, continuationId)!.state;
  } finally {
    db.close();
  }
}

/** Scans again and again with the clock moved past every back-off and lease, as a long-lived supervisor would. */
async function keepScanning(s: InProcess, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    s.clock.advance(10 * 60_000);
    await s.supervisor.scan();
    await sleep(150);
  }
}

describe("a launch gate that does not report in time", () => {
  test("never leads to a second controller: the delivery stays CONTROLLER_STARTED with the gate", async () => {
    const s = slowGate();
    appendTrigger(s.dataDir, RUN, 1);
    const first = await s.supervisor.scan();
    const result = first.delivery_results[0]!;
    expect(result.status).toBe("launch_unconfirmed");
    expect(deliveryState(s, result.continuation_id)).toBe("CONTROLLER_STARTED");
    await keepScanning(s, 4);
    expect(await s.waitForLaunches(1)).toHaveLength(1);
    await sleep(500);
    expect(s.launches()).toHaveLength(1);
  }, 30_000);

  test("an unconfirmed resume is not followed by a logical launch", async () => {
    const s = slowGate({ resume: fakeControllerTemplate("resume {controller_session_id} {prompt_file}") });
    fs.mkdirSync(runDirOf(s.dataDir, RUN), { recursive: true });
    fs.writeFileSync(
      path.join(runDirOf(s.dataDir, RUN), "controller.json"),
      JSON.stringify({ session_id: "sess-1" }),
    );
    appendTrigger(s.dataDir, RUN, 1);
    const first = await s.supervisor.scan();
    expect(first.delivery_results[0]).toMatchObject({ status: "launch_unconfirmed", mode: "resume" });
    await keepScanning(s, 3);
    await s.waitForLaunches(1);
    await sleep(500);
    const launches = s.launches();
    expect(launches).toHaveLength(1);
    expect(launches[0]!.argv.slice(0, 2)).toEqual(["resume", "sess-1"]);
  }, 30_000);
});
