/**
 * gate.validate_worker_report: required labels (policy or the default
 * 17), task and package id match, files changed equal to the server-derived evidence,
 * changed files inside the package scope, and an explicit verified/unverified statement.
 */
import { checkChangedFiles, normalizeRelativePath } from "../domain/scope.js";
import { isPresent, isRecord, lookupField, requiredFieldIssues } from "./labels.js";
import { defaultPolicy, type ProjectPolicy } from "./policy.js";
import { gateResult, type GateResult } from "./result.js";

export const WORKER_REPORT_GATE_LABEL = "Worker report validation";
export const CONTROLLER_REPAIR_GATE_LABEL = "Controller repair report validation";
export const CONTROLLER_COMPLETION_GATE_LABEL = "Controller task completion report validation";

/** `files changed` may be an empty list (a verification-only package), but must exist. */
const MAY_BE_EMPTY: ReadonlySet<string> = new Set(["files changed"]);
const PACKAGE_ID_KEYS = ["work_package_id", "work package id", "work-package-id"] as const;

export interface WorkerReportContext {
  taskId: number;
  /** 0 for a controller task completion (no package). */
  packageId: number;
  allowed: readonly string[];
  forbidden: readonly string[];
  /**
   * Server-derived changed files (git evidence). When given — even empty — the reported
   * files must equal them as a set; omitted means "no evidence to compare".
   */
  evidenceFiles?: readonly string[];
  policy?: ProjectPolicy;
}

/** Integer value of a reported id (number or integer text), else null. */
function asInteger(value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) ? value : null;
  if (typeof value === "string" && /^\s*-?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return null;
}

function idIssue(what: string, value: unknown, real: number): string | null {
  if (asInteger(value) === real) return null;
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return `Worker report ${what} id mismatch: ${shown} != ${real}`;
}

function normalizedSet(files: readonly string[]): string[] {
  const set = new Set(
    files.map((f) => normalizeRelativePath(f)).map((c, i) => (c.ok ? c.path : (files[i] ?? ""))),
  );
  return [...set].sort();
}

export function validateWorkerReport(report: unknown, context: WorkerReportContext): GateResult {
  if (!isRecord(report)) return gateResult(["Worker report must be a JSON object"]);
  const policy = context.policy ?? defaultPolicy();
  const issues = requiredFieldIssues(
    "Worker report",
    report,
    policy.workerReportRequiredFields,
    MAY_BE_EMPTY,
  );

  const task = lookupField(report, "task id");
  if (task.found) {
    const issue = idIssue("task", task.value, context.taskId);
    if (issue) issues.push(issue);
  }
  const packageKey = PACKAGE_ID_KEYS.find((key) => Object.hasOwn(report, key));
  if (packageKey !== undefined) {
    const issue = idIssue("package", report[packageKey], context.packageId);
    if (issue) issues.push(issue);
  }

  const changed = lookupField(report, "files changed");
  if (changed.found) {
    const value = changed.value;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
      issues.push("Worker report files changed must be a list of project-relative paths");
    } else {
      const files = value;
      if (context.evidenceFiles !== undefined) {
        const reported = normalizedSet(files);
        const evidence = normalizedSet(context.evidenceFiles);
        if (JSON.stringify(reported) !== JSON.stringify(evidence)) {
          issues.push(
            `Worker report files changed do not match submission evidence: ${JSON.stringify(reported)} != ${JSON.stringify(evidence)}`,
          );
        }
      }
      // The report is the worker's own description (backslashes allowed, as a Windows worker may
      // write them); the server-derived evidence is checked strictly elsewhere.
      const violation = checkChangedFiles(normalizedSet(files), context.allowed, context.forbidden)[0];
      if (violation) issues.push(violation.message);
    }
  }

  const verified = lookupField(report, "what is verified");
  const gaps = lookupField(report, "unverified gaps");
  if (!(verified.found && isPresent(verified.value)) && !(gaps.found && isPresent(gaps.value))) {
    issues.push("Worker report must explicitly state verified evidence or unverified gaps");
  }
  return gateResult(issues);
}
