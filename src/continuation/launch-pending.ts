import fs from "node:fs";
import path from "node:path";

/**
 * The pending mark of one launch: an empty file `<nonce>.pending` that the supervisor creates
 * before it records the launch. It is a claim that exactly one side takes, by deleting it: the
 * launch gate when it gets the spec, before it starts anything (a gate that cannot delete it,
 * even because it is already gone, launches nothing), or lease recovery when it judges the
 * launch lost (it retries only if its own delete succeeded). So whatever the liveness probes
 * say, a launch and its early retry never both happen. A mark that is missing (never written, or
 * lost with the machine) proves nothing, and the delivery then waits for its ACK lease as before.
 */
const NONCE = /^[0-9a-f]{16}$/;

/** The mark's path for a launch nonce; null for a nonce that is not one of ours. */
export function pendingMarkPath(launchesDir: string, nonce: string | null): string | null {
  return nonce !== null && NONCE.test(nonce) ? path.join(launchesDir, `${nonce}.pending`) : null;
}

/**
 * Creates the mark; false if it could not be written. The launch may go ahead without it: a
 * missing mark only ever makes recovery wait for the lease.
 */
export function createPendingMark(file: string): boolean {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "");
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes the mark for lease recovery: true only if this call deleted it. False when it is gone
 * (the gate took it, so the launch may have happened) or cannot be deleted.
 */
export function takePendingMark(file: string | null): boolean {
  if (file === null) return false;
  try {
    fs.unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the mark of a launch that is settled (refused, failed, or recovered); never throws. A
 * mark left behind names a nonce no later launch uses: it can mislead nothing.
 */
export function removePendingMark(file: string | null): void {
  takePendingMark(file);
}
