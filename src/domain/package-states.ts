import { invalidTransition } from "./errors.js";

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

/**
 * The normal package workflow, plus escalation: the controller may park any live package in
 * HUMAN_INTERVENTION_REQUIRED for a person to decide. GLM_ACCEPTED and CANCELLED are terminal.
 */
export const PACKAGE_TRANSITIONS: Readonly<Record<PackageStatus, readonly PackageStatus[]>> = {
  CREATED: ["ASSIGNED", "CANCELLED", "HUMAN_INTERVENTION_REQUIRED"],
  ASSIGNED: ["CLAIMED_JUNIOR", "CANCELLED", "HUMAN_INTERVENTION_REQUIRED"],
  CLAIMED_JUNIOR: ["SUBMITTED", "CANCELLED", "HUMAN_INTERVENTION_REQUIRED"],
  CLAIMED_PRO: ["SUBMITTED", "CANCELLED", "HUMAN_INTERVENTION_REQUIRED"],
  SUBMITTED: ["GLM_REVIEW_IN_PROGRESS", "HUMAN_INTERVENTION_REQUIRED"],
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

/** Refuses a move the table does not allow, naming the package when known and where it may go instead. */
export function assertPackageTransition(from: PackageStatus, to: PackageStatus, packageId?: number): void {
  if (canTransitionPackage(from, to)) return;
  const record = packageId === undefined ? null : `work package ${packageId}`;
  throw invalidTransition("work-package", { from, to, record }, PACKAGE_TRANSITIONS[from]);
}
