/**
 * Validator for a supplied contract discovery report, used by workpackage.create and execution
 * packet validation.
 */
import { isPresent, isRecord } from "./labels.js";
import { GATE_PASS_STATUSES, gateResult, isGatePass, type GateResult } from "./result.js";

export function validateContractDiscoveryReport(report: unknown): GateResult {
  const r = isRecord(report) ? report : {};
  const issues: string[] = [];
  if (!isGatePass(r["status"]))
    issues.push(`Contract discovery result must be ${GATE_PASS_STATUSES.join(" or ")}`);
  if (!isPresent(r["contracts_read"])) issues.push("Contract discovery result must list contracts_read");
  if (!isPresent(r["module_refs"])) {
    issues.push("Contract discovery result must list at least one module_refs entry");
  }
  if (!isPresent(r["verification_refs"])) {
    issues.push("Contract discovery result must list at least one verification_refs entry");
  }
  for (const field of ["missing_contracts", "conflicts"]) {
    const value = r[field];
    if (Array.isArray(value) && value.length > 0) {
      issues.push(`Contract discovery has unresolved ${field}: ${JSON.stringify(value)}`);
    }
  }
  return gateResult(issues);
}
