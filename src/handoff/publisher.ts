import type { Logger } from "../config/logger.js";
import type { Db } from "../ledger/database.js";
import type { NamedSignal } from "../signal/named-signal.js";
import { projectPending } from "./projector.js";
import { wakeChannels, type RunIds } from "./run-paths.js";

export interface EventPublisher {
  /**
   * Call after a commit that wrote outbox rows for `committed` runs: projects every pending row
   * to NDJSON, then wakes the waiters of each run. Never throws: the events are already durable.
   */
  publish(committed: readonly RunIds[]): void;
}

export function createPublisher(
  db: Db,
  dataDir: string,
  signal: NamedSignal,
  logger?: Logger,
): EventPublisher {
  return {
    publish(committed) {
      let projected: RunIds[] = [];
      try {
        projected = projectPending(db, dataDir, () => new Date().toISOString());
      } catch (error) {
        // The next publish or the start-up projection retries; ledger readers are still woken.
        logger?.error("handoff projection failed; it will be retried", { error: String(error) });
      }
      const channels = new Set([...committed, ...projected].flatMap(wakeChannels));
      for (const channel of channels) {
        try {
          signal.notify(channel);
        } catch (error) {
          logger?.warn("wake signal failed; waiters fall back to their timeout", {
            channel,
            error: String(error),
          });
        }
      }
    },
  };
}
