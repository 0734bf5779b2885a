/**
 * gate.agent_infra_lint: the project-local agent layer — required files,
 * @rule blocks, required text, packet/report labels named in operational-packets.xml and
 * suspicious hidden HTML comments. Reads files only.
 */
import { OrchestratorError } from "../domain/errors.js";
import { ARTIFACT_PATHS } from "./grace-artifacts.js";
import { loadPolicy, type ProjectPolicy } from "./policy.js";
import type { RepoReader } from "./repo-reader.js";
import { gateResult, type GateResult } from "./result.js";
import { ruleClosePattern, ruleOpenPattern } from "./rules.js";
import { commentBodies, parseXml } from "./xml.js";

export const AGENT_INFRA_GATE_LABEL = "Agent infra lint";

/** Files whose HTML comments are scanned for suspicious patterns (AGENTS.md is not). */
export const COMMENT_SCANNED_FILES: readonly string[] = [
  "docs/grace/agent-enforcement-layer.md",
  "docs/grace/templates/task-packet-template.md",
  "docs/grace/templates/verification-packet-template.md",
  ARTIFACT_PATHS.operationalPackets,
];

type Read = (path: string) => string | null;

function reading(reader: RepoReader, issues: string[]): Read {
  return (path) => {
    try {
      return reader.readText(path);
    } catch (error) {
      if (!(error instanceof OrchestratorError)) throw error;
      issues.push(error.message);
      return null;
    }
  };
}

function needleIssues(file: string, text: string, needles: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return needles
    .filter((n) => !lower.includes(n.toLowerCase()))
    .map((n) => `Missing required text in ${file}: ${n}`);
}

/** HTML comment bodies: through the XML parser for .xml, a comment scan for Markdown. */
function htmlComments(path: string, text: string): string[] {
  if (path.toLowerCase().endsWith(".xml")) {
    const parsed = parseXml(text);
    return parsed.ok ? commentBodies(parsed.tree) : [];
  }
  return [...text.matchAll(/<!--([\s\S]*?)-->/g)].map((m) => m[1] ?? "");
}

export function lintAgentInfra(reader: RepoReader, policy: ProjectPolicy = loadPolicy(reader)): GateResult {
  const issues: string[] = [];
  const warnings: string[] = [];
  const read = reading(reader, issues);
  const missing = (p: string): string => `Required file is missing: ${p}`;

  const checkedXml = new Set<string>();
  for (const path of policy.requiredXmlArtifacts) {
    if (checkedXml.has(path)) continue;
    checkedXml.add(path);
    const text = read(path);
    if (text === null) issues.push(missing(path));
    else if (!text.trimStart().startsWith("<")) issues.push(`XML artifact does not look like XML: ${path}`);
    else {
      const parsed = parseXml(text);
      if (!parsed.ok) issues.push(`XML artifact is not well-formed: ${path}: ${parsed.error}`);
    }
  }
  for (const path of new Set(policy.requiredFiles)) {
    // A path in both lists is reported once (the predecessor reported it twice).
    if (checkedXml.has(path)) continue;
    if (read(path) === null) issues.push(missing(path));
  }

  for (const rule of policy.requiredRules) {
    const text = read(rule.file);
    if (text === null) {
      issues.push(missing(rule.file));
      continue;
    }
    for (const id of rule.ids) {
      if (!ruleOpenPattern(id).test(text)) issues.push(`Missing @rule id ${id} in ${rule.file}`);
      if (!ruleClosePattern(id).test(text)) issues.push(`Missing @rule-end id ${id} in ${rule.file}`);
    }
    issues.push(...needleIssues(rule.file, text, rule.contains));
  }
  for (const entry of policy.requiredText) {
    const text = read(entry.file);
    if (text === null) issues.push(missing(entry.file));
    else issues.push(...needleIssues(entry.file, text, entry.contains));
  }

  const packets = (read(ARTIFACT_PATHS.operationalPackets) ?? "").toLowerCase();
  for (const label of policy.packetRequiredFields) {
    if (!packets.includes(label.toLowerCase())) {
      issues.push(`Missing packet field in ${ARTIFACT_PATHS.operationalPackets}: ${label}`);
    }
  }
  for (const label of policy.workerReportRequiredFields) {
    if (!packets.includes(label.toLowerCase())) {
      issues.push(`Missing worker report field in ${ARTIFACT_PATHS.operationalPackets}: ${label}`);
    }
  }

  if (policy.suspiciousHtmlCommentPatterns.length > 0) {
    for (const path of COMMENT_SCANNED_FILES) {
      const text = read(path);
      if (text === null) continue;
      const comments = htmlComments(path, text).map((c) => c.toLowerCase());
      for (const pattern of policy.suspiciousHtmlCommentPatterns) {
        if (comments.some((c) => c.includes(pattern.toLowerCase()))) {
          issues.push(`Suspicious hidden-comment pattern in ${path}: ${pattern}`);
        }
      }
    }
  }
  return gateResult(issues, warnings);
}
