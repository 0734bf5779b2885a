import type { Liveness } from "../process/identity.js";

/** What lease recovery knows of a CONTROLLER_STARTED delivery when it looks at it. */
export interface StartedFacts {
  leaseExpired: boolean;
  /** The gate reported the controller's pid to the supervisor that released it. */
  launchConfirmed: boolean;
  /** The supervisor that claimed the attempt; SELF is the supervisor deciding. */
  claimer: Liveness | "SELF";
  /** The recorded controller process: the launch gate, which lives as long as its controller. */
  gate: Liveness;
  /** This recovery took the launch's pending mark: the gate never took the spec (launch-pending.ts). */
  launchPending: boolean;
  /** Whether the delivery may be attempted again (attempt count below the limit). */
  attemptsLeft: boolean;
}

export type StartedVerdict =
  /** Nothing to do yet: the ACK lease runs. */
  | "wait"
  /** The controller still runs at lease expiry: a new ACK lease. */
  | "extend"
  /** Its liveness is unknown at lease expiry: a short extension, never a second controller. */
  | "extend_uncertain"
  | "retry_unacked"
  | "dead_letter_unacked"
  | "retry_launch_lost"
  | "dead_letter_launch_lost";

/**
 * A launch that provably never happened: it was never confirmed, the supervisor that would have
 * sent the spec and the gate that would have run it are both confirmed gone, and the launch's
 * pending mark, which the gate deletes before it starts anything, is still there. UNKNOWN is
 * never gone, and the deciding supervisor never counts its own claim as lost.
 */
export function launchLost(f: StartedFacts): boolean {
  return (
    !f.launchConfirmed &&
    f.claimer === "NOT_FOUND_OR_REUSED" &&
    f.gate === "NOT_FOUND_OR_REUSED" &&
    f.launchPending
  );
}

/** What lease recovery does with a CONTROLLER_STARTED delivery, from what it knows. */
export function startedVerdict(f: StartedFacts): StartedVerdict {
  if (!f.leaseExpired) {
    if (!launchLost(f)) return "wait";
    return f.attemptsLeft ? "retry_launch_lost" : "dead_letter_launch_lost";
  }
  if (f.gate === "MATCH") return "extend";
  if (f.gate === "UNKNOWN") return "extend_uncertain";
  return f.attemptsLeft ? "retry_unacked" : "dead_letter_unacked";
}
