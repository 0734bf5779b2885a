import { describe, expect, test } from "vitest";
import {
  PACKAGE_STATUSES,
  assertPackageTransition,
  canTransitionPackage,
  type PackageStatus,
} from "../../src/domain/package-states.js";
import {
  TASK_STATUSES,
  assertTaskTransition,
  canTransitionTask,
  type TaskStatus,
} from "../../src/domain/task-states.js";

// The state machines written out by hand, independently of the source tables, as "from > to" edges.
const TASK_EDGES = new Set([
  "CODEX_TASK_CREATED>GLM_GRACE_PLANNED",
  "GLM_GRACE_PLANNED>GLM_TESTS_PREPARED",
  "GLM_GRACE_PLANNED>GLM_ACCEPTED",
  "GLM_TESTS_PREPARED>WORK_PACKAGES_CREATED",
  "GLM_TESTS_PREPARED>GLM_ACCEPTED",
  "WORK_PACKAGES_CREATED>WORK_PACKAGES_ASSIGNED",
  "WORK_PACKAGES_CREATED>GLM_TESTS_PREPARED",
  "WORK_PACKAGES_ASSIGNED>GLM_TESTS_PREPARED",
  "WORK_PACKAGES_ASSIGNED>GLM_ACCEPTED",
  "WORK_PACKAGES_ASSIGNED>GLM_REJECTED_REPAIR_REQUIRED",
  "GLM_REJECTED_REPAIR_REQUIRED>GLM_TESTS_PREPARED",
  "GLM_REJECTED_REPAIR_REQUIRED>WORK_PACKAGES_ASSIGNED",
  "GLM_REJECTED_REPAIR_REQUIRED>GLM_ACCEPTED",
  "GLM_ACCEPTED>WORK_PACKAGES_CREATED",
  "GLM_ACCEPTED>CODEX_FINAL_REVIEW",
  "CODEX_FINAL_REVIEW>CODEX_ACCEPTED",
  "CODEX_FINAL_REVIEW>CODEX_REJECTED_REPAIR_REQUIRED",
  "CODEX_REJECTED_REPAIR_REQUIRED>GLM_GRACE_PLANNED",
  "CODEX_REJECTED_REPAIR_REQUIRED>WORK_PACKAGES_ASSIGNED",
  "CODEX_ACCEPTED>TASK_CLOSED",
  "TASK_CLOSED>NEXT_TASK_READY",
  // Escalation: every working status may be parked for a person.
  ...[
    "CODEX_TASK_CREATED",
    "GLM_GRACE_PLANNED",
    "GLM_TESTS_PREPARED",
    "WORK_PACKAGES_CREATED",
    "WORK_PACKAGES_ASSIGNED",
    "GLM_REJECTED_REPAIR_REQUIRED",
    "GLM_ACCEPTED",
    "CODEX_FINAL_REVIEW",
    "CODEX_REJECTED_REPAIR_REQUIRED",
  ].map((from) => `${from}>HUMAN_INTERVENTION_REQUIRED`),
]);

const PACKAGE_EDGES = new Set([
  "CREATED>ASSIGNED",
  "CREATED>CANCELLED",
  "ASSIGNED>CLAIMED_JUNIOR",
  "ASSIGNED>CANCELLED",
  "CLAIMED_JUNIOR>SUBMITTED",
  "CLAIMED_JUNIOR>CANCELLED",
  "CLAIMED_PRO>SUBMITTED",
  "CLAIMED_PRO>CANCELLED",
  "SUBMITTED>GLM_REVIEW_IN_PROGRESS",
  "GLM_REVIEW_IN_PROGRESS>GLM_ACCEPTED",
  "GLM_REVIEW_IN_PROGRESS>REPAIR_REQUIRED",
  "GLM_REVIEW_IN_PROGRESS>HUMAN_INTERVENTION_REQUIRED",
  "REPAIR_REQUIRED>CLAIMED_JUNIOR",
  "REPAIR_REQUIRED>CLAIMED_PRO",
  "REPAIR_REQUIRED>SUBMITTED",
  "REPAIR_REQUIRED>CANCELLED",
  "REPAIR_REQUIRED>HUMAN_INTERVENTION_REQUIRED",
  "HUMAN_INTERVENTION_REQUIRED>CREATED",
  "HUMAN_INTERVENTION_REQUIRED>REPAIR_REQUIRED",
  "HUMAN_INTERVENTION_REQUIRED>CANCELLED",
  // Escalation: every live package may be parked for a person.
  ...["CREATED", "ASSIGNED", "CLAIMED_JUNIOR", "CLAIMED_PRO", "SUBMITTED"].map(
    (from) => `${from}>HUMAN_INTERVENTION_REQUIRED`,
  ),
]);

function pairs<S extends string>(statuses: readonly S[]): [S, S][] {
  return statuses.flatMap((from) => statuses.map((to) => [from, to] as [S, S]));
}

/** The refusal's rule clause, from this file's own edge list: where `from` may go, in table order. */
function allowedFrom(edges: ReadonlySet<string>, from: string): string {
  const next = [...edges].filter((e) => e.startsWith(`${from}>`)).map((e) => e.split(">")[1]!);
  return next.length === 0 ? `${from} is terminal` : `from ${from}, status must be one of ${next.join(", ")}`;
}

describe("task state machine", () => {
  test.each(pairs<TaskStatus>(TASK_STATUSES))("%s -> %s", (from, to) => {
    const allowed = TASK_EDGES.has(`${from}>${to}`);
    expect(canTransitionTask(from, to)).toBe(allowed);
    if (allowed) expect(() => assertTaskTransition(from, to)).not.toThrow();
    else {
      expect(() => assertTaskTransition(from, to)).toThrow(`Invalid task transition: ${from} -> ${to}`);
      expect(() => assertTaskTransition(from, to, 7)).toThrow(
        `Invalid task transition: ${from} -> ${to} (task 7); ${allowedFrom(TASK_EDGES, from)}`,
      );
    }
  });
});

describe("work-package state machine", () => {
  test.each(pairs<PackageStatus>(PACKAGE_STATUSES))("%s -> %s", (from, to) => {
    const allowed = PACKAGE_EDGES.has(`${from}>${to}`);
    expect(canTransitionPackage(from, to)).toBe(allowed);
    if (allowed) expect(() => assertPackageTransition(from, to)).not.toThrow();
    else
      expect(() => assertPackageTransition(from, to, 9)).toThrow(
        `Invalid work-package transition: ${from} -> ${to} (work package 9); ${allowedFrom(PACKAGE_EDGES, from)}`,
      );
  });

  test("accepted and cancelled packages are terminal", () => {
    for (const to of PACKAGE_STATUSES) {
      expect(canTransitionPackage("GLM_ACCEPTED", to)).toBe(false);
      expect(canTransitionPackage("CANCELLED", to)).toBe(false);
    }
  });
});
