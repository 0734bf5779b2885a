/**
 * gate.validate_execution_packet: required labels (policy or the default
 * 40), parent task scope, the embedded contract discovery report, and a warning for each
 * worker-report field the compact report format does not name.
 */
import { isPatternWithinScope, scopePatternIssue } from "../domain/scope.js";
import { validateContractDiscoveryReport } from "./discovery-report.js";
import { canonicalKey, isRecord, lookupField, requiredFieldIssues } from "./labels.js";
import { defaultPolicy, type ProjectPolicy } from "./policy.js";
import { gateResult, type GateResult } from "./result.js";

export const EXECUTION_PACKET_GATE_LABEL = "Operational packet validation";

export interface ExecutionPacketOptions {
  /** Project policy (labels); defaults apply when omitted. */
  policy?: ProjectPolicy;
  /** The parent task's allowed patterns; when given, each packet allowed pattern must be covered. */
  parentAllowed?: readonly string[];
}

/** A field value as a list of strings: a lone string is a one-item list, other items are dropped. */
export function stringItems(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

function parentScopeIssues(packet: Record<string, unknown>, parent: readonly string[]): string[] {
  const field = lookupField(packet, "allowed files");
  if (!field.found) return [];
  const issues: string[] = [];
  for (const pattern of stringItems(field.value)) {
    const issue = scopePatternIssue("Execution packet allowed", pattern);
    if (issue !== null) {
      issues.push(issue);
    } else if (!isPatternWithinScope(pattern, parent)) {
      issues.push(`Execution packet allowed scope is outside parent task scope: ${pattern}`);
    }
  }
  return issues;
}

function discoveryIssues(packet: Record<string, unknown>): string[] {
  const field = lookupField(packet, "contract discovery report");
  const report = field.found ? field.value : undefined;
  if (!isRecord(report)) return ["Execution packet contract discovery report must be a JSON object"];
  return validateContractDiscoveryReport(report).issues.map((i) => `Contract discovery: ${i}`);
}

function compactFormatWarnings(packet: Record<string, unknown>, workerLabels: readonly string[]): string[] {
  const field = lookupField(packet, "compact worker report format");
  const named = new Set(stringItems(field.found ? field.value : undefined).map(canonicalKey));
  return workerLabels
    .filter((label) => !named.has(canonicalKey(label)))
    .map((label) => `Compact report format does not explicitly name worker field: ${label}`);
}

export function validateExecutionPacket(packet: unknown, options: ExecutionPacketOptions = {}): GateResult {
  if (!isRecord(packet)) return gateResult(["Execution packet must be a JSON object"]);
  const policy = options.policy ?? defaultPolicy();
  const issues = requiredFieldIssues("Execution packet", packet, policy.packetRequiredFields);
  if (options.parentAllowed !== undefined) issues.push(...parentScopeIssues(packet, options.parentAllowed));
  issues.push(...discoveryIssues(packet));
  return gateResult(issues, compactFormatWarnings(packet, policy.workerReportRequiredFields));
}
