/**
 * Project policy file `.agent-guards/agent-infra-policy.json`. Absent →
 * defaults and `present: false` (agent-infra lint is then not enforced by the lifecycle).
 * Present → each absent key falls back to its default individually.
 */
import { z } from "zod";
import { OrchestratorError } from "../domain/errors.js";
import { DEFAULT_PACKET_FIELDS, DEFAULT_WORKER_REPORT_FIELDS } from "./labels.js";
import type { RepoReader } from "./repo-reader.js";

export const POLICY_PATH = ".agent-guards/agent-infra-policy.json";

export const DEFAULT_XML_ARTIFACTS: readonly string[] = [
  "docs/requirements.xml",
  "docs/technology.xml",
  "docs/development-plan.xml",
  "docs/verification-plan.xml",
  "docs/knowledge-graph.xml",
  "docs/operational-packets.xml",
];

export const DEFAULT_REQUIRED_FILES: readonly string[] = [
  "AGENTS.md",
  "docs/grace/agent-enforcement-layer.md",
  "docs/grace/templates/task-packet-template.md",
  "docs/grace/templates/verification-packet-template.md",
  "docs/operational-packets.xml",
];

export interface RequiredRule {
  file: string;
  ids: string[];
  contains: string[];
}

export interface RequiredText {
  file: string;
  contains: string[];
}

export interface ProjectPolicy {
  /** True when the policy file exists in the repository. */
  present: boolean;
  requiredXmlArtifacts: string[];
  requiredFiles: string[];
  packetRequiredFields: string[];
  workerReportRequiredFields: string[];
  suspiciousHtmlCommentPatterns: string[];
  requiredRules: RequiredRule[];
  requiredText: RequiredText[];
}

const stringList = z.array(z.string());

const policySchema = z.object({
  required_xml_artifacts: stringList.optional(),
  required_files: stringList.optional(),
  packet_required_fields: stringList.optional(),
  worker_report_required_fields: stringList.optional(),
  suspicious_html_comment_patterns: stringList.optional(),
  required_rules: z
    .array(z.object({ file: z.string(), ids: stringList.default([]), contains: stringList.default([]) }))
    .optional(),
  required_text: z.array(z.object({ file: z.string(), contains: stringList.default([]) })).optional(),
});

export function defaultPolicy(): ProjectPolicy {
  return {
    present: false,
    requiredXmlArtifacts: [...DEFAULT_XML_ARTIFACTS],
    requiredFiles: [...DEFAULT_REQUIRED_FILES],
    packetRequiredFields: [...DEFAULT_PACKET_FIELDS],
    workerReportRequiredFields: [...DEFAULT_WORKER_REPORT_FIELDS],
    suspiciousHtmlCommentPatterns: [],
    requiredRules: [],
    requiredText: [],
  };
}

/** Parses policy JSON text; invalid JSON or shape is an error, never silently the default policy. */
export function parsePolicy(text: string): ProjectPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new OrchestratorError(
      `Project policy ${POLICY_PATH} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new OrchestratorError(`Project policy ${POLICY_PATH} has an invalid shape: ${where}`);
  }
  const p = parsed.data;
  const d = defaultPolicy();
  return {
    present: true,
    requiredXmlArtifacts: p.required_xml_artifacts ?? d.requiredXmlArtifacts,
    requiredFiles: p.required_files ?? d.requiredFiles,
    packetRequiredFields: p.packet_required_fields ?? d.packetRequiredFields,
    workerReportRequiredFields: p.worker_report_required_fields ?? d.workerReportRequiredFields,
    suspiciousHtmlCommentPatterns: p.suspicious_html_comment_patterns ?? [],
    requiredRules: p.required_rules ?? [],
    requiredText: p.required_text ?? [],
  };
}

/** Reads the policy through the repo reader; defaults when the file is absent. */
export function loadPolicy(reader: RepoReader): ProjectPolicy {
  const text = reader.readText(POLICY_PATH);
  return text === null ? defaultPolicy() : parsePolicy(text);
}
