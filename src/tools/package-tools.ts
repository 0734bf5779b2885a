import { z } from "zod";
import { createWorkPackage } from "../service/package-create.js";
import {
  assignPackage,
  cancelPackage,
  claimPackage,
  reassignPackage,
  recoverCancelledPackages,
} from "../service/packages.js";
import { packageSummary, taskSummary } from "../service/summaries.js";
import { LOOP_ANSWER_MAX_BYTES } from "../domain/limits.js";
import type { Role } from "../domain/roles.js";
import { ALL_ROLES, CODEX_ONLY, STAFF, createdId, defineTool } from "./registry.js";
import {
  args,
  id,
  jsonArg,
  name,
  patternList,
  reason,
  requiredText,
  shortText,
  stringList,
} from "./schemas.js";

/** Roles that can act as a worker: workers, and staff agents registered with a worker capability (shared Codex). */
export const WORKER_CAPABLE: readonly Role[] = ["codex", "glm", "test_owner", "worker_junior", "worker_pro"];

const commit = z.string().trim().min(4).max(200);
const optionalText = shortText.optional();

export const packageTools = [
  defineTool({
    name: "workpackage.create",
    title: "Create a scoped work package",
    description:
      "GLM: cuts a work package out of a task in GLM_TESTS_PREPARED, WORK_PACKAGES_CREATED or GLM_ACCEPTED. allowed_files must be a subset of the task scope. Runs contract discovery (or checks the one given) and validates the 40-field execution packet; test_surface, commands_allowed, rollback_boundary and stop_conditions must not be empty. base_commit is where the worker starts. Prerequisite: the project's repository has the six GRACE 3 artifacts (docs/requirements.xml, technology.xml, development-plan.xml, verification-plan.xml, knowledge-graph.xml, operational-packets.xml) with an M-* module and a V-M-* verification entry covering allowed_files, committed; otherwise this is refused with 'Required file is missing'. A person creates them for an existing repository with `grace-orchestrator-mcp scaffold <repo>`.",
    roles: STAFF,
    readOnly: false,
    input: args({
      task_id: id,
      title: name,
      objective: requiredText,
      allowed_files: patternList,
      forbidden_files: patternList,
      assigned_junior_agent: name,
      assigned_pro_agent: name,
      base_commit: commit,
      contract_discovery: jsonArg("contract_discovery").optional(),
      test_surface: stringList.optional(),
      rollback_boundary: optionalText,
      compact_report_format: stringList.optional(),
      module_id: optionalText,
      verification_id: optionalText,
      commands_allowed: stringList.optional(),
      session_routing: jsonArg("session_routing").optional(),
      cache_anchor: optionalText,
      retry_budget: z.number().int().min(0).max(100).optional(),
      stop_conditions: stringList.optional(),
      operation_id: optionalText,
      authority_mode: optionalText,
      operation_root: optionalText,
      codex_required: z.boolean().nullable().optional(),
      codex_instance_id: optionalText,
      glm_instance_id: optionalText,
      branch_worktree: optionalText,
      glm_scan_plan_report: jsonArg("glm_scan_plan_report").optional(),
      operation_isolation: jsonArg("operation_isolation").optional(),
      pro_api_assignment: optionalText,
    }),
    handler: (svc, a) => createWorkPackage(svc, a),
    concerns: (a, result) => ({ taskId: a.task_id, packageId: createdId(result) }),
  }),
  defineTool({
    name: "workpackage.assign",
    title: "Assign a work package",
    description: "GLM: moves a CREATED package to ASSIGNED (its junior may then claim it).",
    roles: STAFF,
    readOnly: false,
    input: args({ work_package_id: id }),
    handler: (svc, a) => assignPackage(svc, a.work_package_id),
  }),
  defineTool({
    name: "workpackage.reassign",
    title: "Reassign a package's junior",
    description:
      "Replaces the assigned junior of a CREATED or unclaimed ASSIGNED package (GLM for glm_direct packages, Codex otherwise). A CREATED package becomes ASSIGNED.",
    roles: STAFF,
    readOnly: false,
    input: args({ work_package_id: id, assigned_junior_agent: name, reason }),
    handler: (svc, a) => reassignPackage(svc, a, false),
  }),
  defineTool({
    name: "workpackage.reassign_by_controller",
    title: "Reassign a package's junior (controller)",
    description: "Codex: like workpackage.reassign, but refused for independent glm_direct packages.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ work_package_id: id, assigned_junior_agent: name, reason }),
    handler: (svc, a) => reassignPackage(svc, a, true),
  }),
  defineTool({
    name: "workpackage.claim",
    title: "Claim a work package",
    description:
      "The assigned junior claims an ASSIGNED package; after a GLM rejection the assigned Pro claims the REPAIR_REQUIRED package (the junior only when no Pro can). Claim before committing and submitting.",
    roles: WORKER_CAPABLE,
    readOnly: false,
    input: args({ work_package_id: id }),
    handler: (svc, a) => claimPackage(svc, a.work_package_id),
  }),
  defineTool({
    name: "workpackage.cancel",
    title: "Cancel a work package",
    description:
      "GLM: cancels a package that is not submitted, in review or accepted, with a reason. The task falls back to GLM_TESTS_PREPARED when nothing live remains, or to GLM_ACCEPTED when only accepted packages remain. Emits CONTROLLER_CANCELLED.",
    roles: STAFF,
    readOnly: false,
    input: args({ work_package_id: id, reason }),
    handler: (svc, a) => cancelPackage(svc, a.work_package_id, a.reason),
  }),
  defineTool({
    name: "task.recover_cancelled_packages",
    title: "Recover a task whose packages are all cancelled",
    description:
      "Codex: moves a package-phase task with only cancelled packages back to GLM_TESTS_PREPARED, with a reason.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ task_id: id, reason }),
    handler: (svc, a) => recoverCancelledPackages(svc, a.task_id, a.reason),
  }),
  defineTool({
    name: "workpackage.get_summary",
    title: "Work package summary",
    description:
      "Compact view of one package: status, assignment, claimer, Pro flag, the five newest sessions.",
    roles: ALL_ROLES,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({ work_package_id: id }),
    handler: (svc, a) => packageSummary(svc, a.work_package_id),
  }),
  defineTool({
    name: "task.get_summary",
    title: "Task summary",
    description: "Compact view of one task: status, package counts and ids by state, and who acts next.",
    roles: ALL_ROLES,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({ task_id: id }),
    handler: (svc, a) => taskSummary(svc, a.task_id),
  }),
];
