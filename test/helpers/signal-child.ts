/**
 * Child process for the signal integration tests (run compiled: dist/test/helpers/signal-child.js).
 * Talks to the parent over the fork() IPC channel only. Modes (argv[2]):
 *   race-waiter <dataDir> <seqFile> <broken 0|1> <waitMs>   per {trial}: subscribe → check → wait → re-check
 *   race-committer <dataDir> <seqFile> [maxSpinUs=600]       per {trial}: spin 0–max µs, commit seq, notify
 *   waiter <dataDir> <channel> <waitMs>                      subscribe, report {armed}, wait once, report
 *   abort <dataDir> <channel>                                wait until told to abort, report, exit by itself
 *                                                            (writes <dataDir>/abort-exit-ms on exit)
 */
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { openNamedSignal } from "../../src/signal/named-signal.js";

const RACE_CHANNEL = "race";

function send(msg: object): void {
  process.send?.(msg);
}

function onMessage(handler: (msg: Record<string, unknown>) => void | Promise<void>): void {
  process.on("message", (msg) => {
    void Promise.resolve(handler(msg as Record<string, unknown>)).catch((e: unknown) => {
      send({ error: String((e as Error)?.stack ?? e) });
    });
  });
}

// Windows (and Wine) refuse a rename over a file another process is reading with EPERM, and a
// read during the rename with EBUSY/EACCES: both are transient, so retry.
function retrying<T>(op: () => T): T {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return op();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (attempt > 200 || (code !== "EPERM" && code !== "EBUSY" && code !== "EACCES")) throw e;
    }
  }
}

/** The committed seq and when it was committed (monotonic ns, comparable across processes). */
function readCommit(seqFile: string): { seq: number; at: bigint } {
  try {
    const [seq, at] = retrying(() => fs.readFileSync(seqFile, "utf8")).split(" ");
    return { seq: Number(seq) || 0, at: BigInt(at ?? "0") };
  } catch {
    return { seq: 0, at: 0n };
  }
}

const readSeq = (seqFile: string): number => readCommit(seqFile).seq;

function commitSeq(seqFile: string, seq: number): void {
  const tmp = `${seqFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${seq} ${process.hrtime.bigint()}`);
  // atomic: a reader sees the old or the new value, never a torn one
  retrying(() => fs.renameSync(tmp, seqFile));
}

function spinMicros(us: number): void {
  const end = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < end) {
    // busy-wait: a timer cannot express sub-millisecond jitter
  }
}

function entries(dataDir: string, channel: string): string[] {
  try {
    return fs.readdirSync(`${dataDir}/signals/${channel}`);
  } catch {
    return [];
  }
}

const [mode, dataDir = "", a1 = "", a2 = "", a3 = ""] = process.argv.slice(2);
const signal = openNamedSignal(dataDir);

switch (mode) {
  case "race-waiter": {
    const seqFile = a1;
    const broken = a2 === "1";
    const waitMs = Number(a3);
    onMessage(async (msg) => {
      const trial = Number(msg.trial);
      let outcome: string;
      if (!broken) {
        // The documented order: subscribe (endpoint visible) → check → wait → re-check.
        const w = signal.subscribe(RACE_CHANNEL);
        if (readSeq(seqFile) >= trial) outcome = "ready";
        else {
          const deadline = deadlineAfter(waitMs);
          outcome = classify(await w.wait(waitMs), seqFile, trial, deadline);
        }
        w.close();
      } else {
        // The classic bug: check, let the loop run (1 ms, like any await between check and wait
        // in real code), only then subscribe and wait.
        if (readSeq(seqFile) >= trial) outcome = "ready";
        else {
          await sleep(1);
          const w = signal.subscribe(RACE_CHANNEL);
          const deadline = deadlineAfter(waitMs);
          outcome = classify(await w.wait(waitMs), seqFile, trial, deadline);
          w.close();
        }
      }
      send({ trial, outcome });
    });
    send({ up: true });
    break;
  }
  case "race-committer": {
    const seqFile = a1;
    const maxSpinUs = Number(a2 || "600");
    onMessage((msg) => {
      const trial = Number(msg.trial);
      spinMicros(Math.random() * maxSpinUs);
      commitSeq(seqFile, trial);
      const woken = signal.notify(RACE_CHANNEL);
      send({ trial, woken });
    });
    send({ up: true });
    break;
  }
  case "waiter": {
    const w = signal.subscribe(a1);
    const pending = w.wait(Number(a2));
    send({ armed: true, pid: process.pid });
    const outcome = await pending;
    w.close();
    send({ outcome, at: process.hrtime.bigint().toString() });
    process.disconnect();
    break;
  }
  case "abort": {
    const channel = a1;
    const w = signal.subscribe(channel);
    const ac = new AbortController();
    const pending = w.wait(30_000, ac.signal);
    onMessage(async () => {
      const t0 = performance.now();
      // How long the loop stayed alive after the abort: a native wait left pending (Windows)
      // would hold it until its 2 s slice ends; the hub's cancel event must end it at once.
      process.on("exit", () => {
        fs.writeFileSync(`${dataDir}/abort-exit-ms`, String(performance.now() - t0));
      });
      ac.abort();
      const outcome = await pending;
      const abortMs = performance.now() - t0;
      w.close();
      send({ outcome, abortMs, entriesAfterClose: entries(dataDir, channel).length });
      // Nothing else holds the loop: the process must now exit on its own.
      process.disconnect();
    });
    send({ armed: true, entries: entries(dataDir, channel).length });
    break;
  }
  default:
    throw new Error(`unknown mode ${String(mode)}`);
}

/** When a wait of `waitMs` started now times out (monotonic ns). */
const deadlineAfter = (waitMs: number): bigint => process.hrtime.bigint() + BigInt(waitMs) * 1_000_000n;

/** Time the committer needs from its commit to its notify before a timed-out wait counts as lost. */
const NOTIFY_MARGIN_NS = 20_000_000n;

/**
 * A timed-out wait lost a wake-up only if the commit (and so its notify) came in time for the wait;
 * a commit after the wait's deadline is "late": the committer was descheduled past the bound (a
 * loaded machine), which says nothing about the order of subscribe, check and wait.
 */
function classify(outcome: string, seqFile: string, trial: number, deadline: bigint): string {
  const commit = readCommit(seqFile);
  const seen = commit.seq >= trial;
  if (outcome === "signaled") return seen ? "woken" : "spurious";
  if (!seen) return `not-committed-${outcome}`;
  return commit.at + NOTIFY_MARGIN_NS < deadline ? "lost" : "late";
}
