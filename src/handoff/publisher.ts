import type { Logger } from "../config/logger.js";
import type { Db } from "../ledger/database.js";
import type { NamedSignal } from "../signal/named-signal.js";
import { projectPending, type ProjectOptions, type Projection } from "./projector.js";
import { wakeChannels, type RunIds } from "./run-paths.js";

export interface EventPublisher {
  /**
   * Call after a commit that wrote outbox rows for `committed` runs: projects every pending row
   * to NDJSON, then wakes the waiters of each run. Never throws: the events are already durable.
   * A projection that fails is retried on a timer until it succeeds.
   */
  publish(committed: readonly RunIds[]): void;
  /**
   * Call before reading the files or waiting: projects rows no process is writing, so a row that
   * another server wrote and is syncing right now does not make this one queue for the lock.
   */
  catchUp(): void;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 30_000;

/** Runs the projection and logs what it repaired or could not write; null when it failed outright. */
export function projectAndLog(
  db: Db,
  dataDir: string,
  logger?: Logger,
  options: ProjectOptions = {},
): Projection | null {
  let result: Projection;
  try {
    result = projectPending(db, dataDir, () => new Date().toISOString(), options);
  } catch (error) {
    logger?.error("handoff projection failed; it will be retried", { error: String(error) });
    return null;
  }
  for (const repair of result.repaired) {
    logger?.warn("events file had a damaged tail; it was rewritten from the ledger", { ...repair });
  }
  for (const failure of result.failed) {
    logger?.error("handoff projection failed; it will be retried", { ...failure });
  }
  return result;
}

export function createPublisher(
  db: Db,
  dataDir: string,
  signal: NamedSignal,
  logger?: Logger,
): EventPublisher {
  let timer: NodeJS.Timeout | null = null;
  let delay = FIRST_RETRY_MS;
  const wake = (runs: readonly RunIds[]) => {
    for (const channel of new Set(runs.flatMap(wakeChannels))) {
      try {
        signal.notify(channel);
      } catch (error) {
        logger?.warn("wake signal failed; waiters fall back to their timeout", {
          channel,
          error: String(error),
        });
      }
    }
  };
  /**
   * Projects, waking the runs' waiters as soon as the new lines are visible (before their fsync),
   * or after the projection when it wrote nothing or failed: a waiter reads the ledger, and a
   * reader of the files finds the lines there.
   */
  const projectAndWake = (committed: readonly RunIds[], onlyIfBehind = false): void => {
    let woken = false;
    const wakeOnce = (touched: readonly RunIds[]) => {
      if (woken) return;
      woken = true;
      wake([...committed, ...touched]);
    };
    wakeOnce(project({ onVisible: wakeOnce, onlyIfBehind }));
  };
  const project = (options: ProjectOptions): RunIds[] => {
    const result = projectAndLog(db, dataDir, logger, options);
    if (result && result.failed.length === 0) {
      delay = FIRST_RETRY_MS;
      return result.touched;
    }
    // Not only at the next start: a file that was locked or a disk that was full clears on its own.
    if (timer === null && db.open) {
      timer = setTimeout(() => {
        timer = null;
        if (db.open) projectAndWake([]);
      }, delay);
      timer.unref();
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
    return result?.touched ?? [];
  };
  return {
    publish(committed) {
      projectAndWake(committed);
    },
    catchUp() {
      projectAndWake([], true);
    },
  };
}
