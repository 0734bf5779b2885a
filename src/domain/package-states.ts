import { OrchestratorError } from "./errors.js";

export const PACKAGE_STATUSES = [
  "CREATED",
  "ASSIGNED",
  "CLAIMED_JUNIOR",
  "CLAIMED_PRO",
  "SUBMITTED",
  "GLM_REVIEW_IN_PROGRESS",
  "GLM_ACCEPTED",
  "REPAIR_REQUIRED",
  "HUMAN_INTERVENTION_REQUIRED",
  "CANCELLED",
] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

/** Reference §3.2. GLM_ACCEPTED and CANCELLED are terminal. */
export const PACKAGE_TRANSITIONS: Readonly<Record<PackageStatus, readonly PackageStatus[]>> = {
  CREATED: ["ASSIGNED", "CANCELLED"],
  ASSIGNED: ["CLAIMED_JUNIOR", "CANCELLED"],
  CLAIMED_JUNIOR: ["SUBMITTED", "CANCELLED"],
  CLAIMED_PRO: ["SUBMITTED", "CANCELLED"],
  SUBMITTED: ["GLM_REVIEW_IN_PROGRESS"],
  GLM_REVIEW_IN_PROGRESS: ["GLM_ACCEPTED", "REPAIR_REQUIRED", "HUMAN_INTERVENTION_REQUIRED"],
  GLM_ACCEPTED: [],
  REPAIR_REQUIRED: ["CLAIMED_JUNIOR", "CLAIMED_PRO", "SUBMITTED", "CANCELLED", "HUMAN_INTERVENTION_REQUIRED"],
  HUMAN_INTERVENTION_REQUIRED: ["CREATED", "REPAIR_REQUIRED", "CANCELLED"],
  CANCELLED: [],
};

export const TERMINAL_PACKAGE_STATUSES: readonly PackageStatus[] = ["GLM_ACCEPTED", "CANCELLED"];

export function isPackageStatus(value: string): value is PackageStatus {
  return (PACKAGE_STATUSES as readonly string[]).includes(value);
}

export function canTransitionPackage(from: PackageStatus, to: PackageStatus): boolean {
  return PACKAGE_TRANSITIONS[from].includes(to);
}

export function assertPackageTransition(from: PackageStatus, to: PackageStatus): void {
  if (!canTransitionPackage(from, to)) {
    throw new OrchestratorError(`Invalid work-package transition: ${from} -> ${to}`);
  }
}
