import { OrchestratorError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";

export interface RouteAgent {
  name: string;
  capabilities: readonly Role[];
  availability: string;
}

export interface RepairRoute {
  agent: string;
  role: "worker_junior" | "worker_pro";
  claimStatus: "CLAIMED_JUNIOR" | "CLAIMED_PRO";
  /** Recorded on the session and shown in the briefing. */
  label: "worker_pro" | "free_mimo_junior_repair";
}

export interface RoutePackage {
  worker_pro_available: number | boolean;
  assigned_pro_agent: string | null;
  assigned_junior_agent: string | null;
}

function fit(agent: RouteAgent | undefined, role: Role): boolean {
  return !!agent && agent.availability === "available" && agent.capabilities.includes(role);
}

/**
 * Shared by mimo.launch_package and workpackage.claim: the assigned pro repairs
 * when it is registered, available and pro-capable; otherwise the junior does (free repair).
 */
export function selectRepairRoute(
  pkg: RoutePackage,
  lookup: (name: string) => RouteAgent | undefined,
): RepairRoute {
  if (!pkg.worker_pro_available) {
    throw new OrchestratorError("Repair dispatch requires a recorded GLM rejection hook");
  }
  const pro = pkg.assigned_pro_agent;
  if (pro && fit(lookup(pro), "worker_pro")) {
    return { agent: pro, role: "worker_pro", claimStatus: "CLAIMED_PRO", label: "worker_pro" };
  }
  const junior = pkg.assigned_junior_agent;
  if (junior && fit(lookup(junior), "worker_junior")) {
    return {
      agent: junior,
      role: "worker_junior",
      claimStatus: "CLAIMED_JUNIOR",
      label: "free_mimo_junior_repair",
    };
  }
  throw new OrchestratorError(
    "Repair dispatch needs an available assigned pro agent or an available assigned junior agent",
  );
}
