/** Doctor checks of what runs: the supervisor's heartbeat and a wake round trip through the data dir. */
import { supervisorState } from "../continuation/heartbeat.js";
import { openNamedSignal } from "../signal/named-signal.js";
import { ok, problem, type CheckResult, type DoctorContext } from "./check.js";

const ROUND_TRIP_MS = 3_000;

export async function supervisorCheck(dataDir: string, ctx: DoctorContext): Promise<CheckResult> {
  const s = await supervisorState(dataDir, ctx.now);
  const fix =
    "Start grace-host-continuation (README: Host continuation) so worker events reach a controller.";
  if (s.state === "never_started")
    return problem("warn", "Supervisor", "No supervisor has run on this data dir", fix);
  if (s.state === "not_running")
    return problem(
      "warn",
      "Supervisor",
      `The supervisor is not running (pid ${s.pid}, last beat ${s.at})`,
      fix,
    );
  return ok("Supervisor", `running, pid ${s.pid}`, [`last beat ${s.at}`]);
}

/**
 * Subscribes, notifies and waits on a private channel: on Windows this loads koffi and round-trips
 * a named event, on POSIX it round-trips a FIFO — the path every cross-process wake takes.
 */
export async function wakeCheck(dataDir: string, ctx: DoctorContext): Promise<CheckResult> {
  const backend = ctx.platform === "win32" ? "named events (koffi → kernel32)" : "FIFOs";
  const started = Date.now();
  let signal;
  try {
    signal = openNamedSignal(dataDir);
  } catch (error) {
    return problem(
      "fail",
      "Wake",
      `The wake backend does not load: ${(error as Error).message}`,
      "Reinstall dependencies (npm ci); on Windows koffi's win32 package must be present.",
      [backend],
    );
  }
  try {
    const waiter = signal.subscribe(`doctor-${process.pid}`);
    try {
      signal.notify(`doctor-${process.pid}`);
      const outcome = await waiter.wait(ROUND_TRIP_MS);
      if (outcome !== "signaled")
        return problem(
          "fail",
          "Wake",
          `A wake round trip did not arrive (${outcome})`,
          "Check that the data dir is on a local disk; handoff waits fall back to polling until this works.",
          [backend],
        );
    } finally {
      waiter.close();
    }
  } catch (error) {
    return problem(
      "fail",
      "Wake",
      `A wake round trip failed: ${(error as Error).message}`,
      "Check the data dir's signals/ folder permissions.",
      [backend],
    );
  } finally {
    signal.close();
  }
  return ok("Wake", `round trip in ${Date.now() - started} ms`, [backend]);
}
