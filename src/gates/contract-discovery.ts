/**
 * gate.contract_discovery: which GRACE contracts
 * cover an affected scope. Refs come only from what covers the scope — plan/graph modules
 * whose paths match an affected file or glob, verification entries whose test files are
 * affected, and `LINKS` of the affected files' own contracts — never from every module in
 * the plan or from template placeholders.
 */
import { OrchestratorError } from "../domain/errors.js";
import {
  compileScope,
  isProjectRelativePattern,
  normalizePattern,
  type ScopeMatcher,
} from "../domain/scope.js";
import { ARTIFACT_PATHS, readGraceModel, type GraceModel, type SharedModule } from "./grace-artifacts.js";
import { scanMarkup } from "./markers.js";
import { loadPolicy, type ProjectPolicy } from "./policy.js";
import type { RepoReader } from "./repo-reader.js";
import { extractRuleBlocks } from "./rules.js";

export const SOURCE_PRECEDENCE: readonly string[] = [
  "code-adjacent contracts and anchors",
  "interface schemas, OpenAPI, migrations and typed protocols",
  "protected tests and accepted test-owner fixtures",
  "canonical GRACE XML artifacts",
  "AGENTS.md and docs/grace routing",
  "SESSION_HANDOFF or MCP handoff events (operational state)",
  "MEMORY",
  "ADRs and decision logs",
  "historical session logs and archived reports",
];

export const DISCOVERY_MESSAGES = {
  emptyScope: "Contract discovery requires at least one affected file or path glob",
  noModule: "No M-* module reference was discovered for the affected scope",
  noVerification: "No V-M-* verification reference was discovered for the affected scope",
  grace4:
    "GRACE 4 layout (.grace/) detected: contract discovery does not support it yet; it reads only the GRACE 3 docs/*.xml artifacts",
} as const;

export type GraceLayout = "grace3" | "grace4";

export interface ContractDiscoveryResult {
  status: "pass" | "blocked";
  issues: string[];
  warnings: string[];
  layout: GraceLayout;
  affected_files: string[];
  contracts_read: string[];
  local_contract_files: string[];
  module_refs: string[];
  verification_refs: string[];
  rule_refs: string[];
  missing_contracts: string[];
  conflicts: string[];
  source_precedence: string[];
}

export interface ContractDiscoveryOptions {
  /** Policy to use; read from the repository when omitted. */
  policy?: ProjectPolicy;
}

const sortedUnique = (items: Iterable<string>): string[] => [...new Set(items)].sort();
const GLOB_CHARS = /[*?[\]{}]/;

/** Reads a file, turning a confinement refusal into an issue instead of an exception. */
function safeRead(reader: RepoReader, path: string, issues: string[]): string | null {
  try {
    return reader.readText(path);
  } catch (error) {
    if (error instanceof OrchestratorError) {
      issues.push(error.message);
      return null;
    }
    throw error;
  }
}

/** How a module path (file, directory or glob) relates to affected files and globs. */
function moduleCovers(
  module: SharedModule,
  files: readonly string[],
  globs: readonly ScopeMatcher[],
): boolean {
  for (const raw of module.paths) {
    if (!isProjectRelativePattern(raw)) continue;
    const p = normalizePattern(raw);
    if (GLOB_CHARS.test(p)) {
      const own = compileScope([p]);
      if (files.some((f) => own.test(f))) return true;
    } else {
      if (files.some((f) => f === p || f.startsWith(`${p}/`))) return true;
      if (globs.some((g) => g.test(p))) return true;
    }
  }
  return false;
}

function lowerFragments(scopes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const scope of scopes) {
    const head = scope.split(GLOB_CHARS)[0]?.replace(/\/+$/, "").toLowerCase() ?? "";
    if (head !== "") out.add(head);
    const slash = scope.lastIndexOf("/");
    if (slash > 0) out.add(scope.slice(0, slash).toLowerCase());
  }
  return [...out];
}

export function discoverContracts(
  reader: RepoReader,
  affected: readonly string[],
  options: ContractDiscoveryOptions = {},
): ContractDiscoveryResult {
  const d = startDiscovery(affected);
  if (d.scopes.length === 0) {
    d.issues.push(DISCOVERY_MESSAGES.emptyScope);
    return finishDiscovery(d);
  }
  const relative = projectRelativeScopes(d);
  if (hasGrace4Layout(reader)) {
    d.layout = "grace4";
    d.issues.push(DISCOVERY_MESSAGES.grace4);
    return finishDiscovery(d);
  }
  const policy = options.policy ?? loadPolicy(reader);
  const model = readCanonicalArtifacts(reader, policy, d);
  const { files, globs } = expandScopes(reader, relative, d);
  const links = scanCodeContracts(reader, files, model, d);
  collectRefs(model, { files, globs, ...links }, d);
  collectRuleRefs(reader, policy.requiredFiles, relative, d);
  if (d.moduleRefs.size === 0) d.issues.push(DISCOVERY_MESSAGES.noModule);
  if (d.verificationRefs.size === 0) d.issues.push(DISCOVERY_MESSAGES.noVerification);
  return finishDiscovery(d);
}

/** What discovery collects step by step; `finishDiscovery` turns it into the answer. */
interface Discovery extends RefSink {
  scopes: string[];
  layout: GraceLayout;
  warnings: string[];
  contractsRead: string[];
  localContractFiles: string[];
  ruleRefs: Set<string>;
}

interface RefSink {
  issues: string[];
  conflicts: string[];
  moduleRefs: Set<string>;
  verificationRefs: Set<string>;
}

function startDiscovery(affected: readonly string[]): Discovery {
  return {
    scopes: affected.map((s) => s.trim().replace(/\\/g, "/")).filter((s) => s !== ""),
    layout: "grace3",
    issues: [],
    warnings: [],
    conflicts: [],
    contractsRead: [],
    localContractFiles: [],
    moduleRefs: new Set(),
    verificationRefs: new Set(),
    ruleRefs: new Set(),
  };
}

function finishDiscovery(d: Discovery): ContractDiscoveryResult {
  return {
    status: d.issues.length === 0 ? "pass" : "blocked",
    issues: d.issues,
    warnings: d.warnings,
    layout: d.layout,
    affected_files: d.scopes,
    contracts_read: sortedUnique(d.contractsRead),
    local_contract_files: sortedUnique(d.localContractFiles),
    module_refs: sortedUnique(d.moduleRefs),
    verification_refs: sortedUnique(d.verificationRefs),
    rule_refs: sortedUnique(d.ruleRefs),
    missing_contracts: d.issues.filter((i) => i.includes("No ") || i.toLowerCase().includes("missing")),
    conflicts: d.conflicts,
    source_precedence: [...SOURCE_PRECEDENCE],
  };
}

/** The scopes inside the project; each one that is not becomes an issue. */
function projectRelativeScopes(d: Discovery): string[] {
  return d.scopes.filter((s) => {
    if (isProjectRelativePattern(s)) return true;
    d.issues.push(`Affected path is not project-relative: ${s}`);
    return false;
  });
}

function hasGrace4Layout(reader: RepoReader): boolean {
  try {
    return reader.exists(".grace");
  } catch (error) {
    if (!(error instanceof OrchestratorError)) throw error;
    return true; // a .grace link leaving the repo is still a GRACE 4 marker
  }
}

/** Canonical artifacts: required ones must exist; the three module-bearing ones are parsed. */
function readCanonicalArtifacts(reader: RepoReader, policy: ProjectPolicy, d: Discovery): GraceModel {
  const texts = new Map<string, string>();
  for (const path of new Set(policy.requiredXmlArtifacts)) {
    const text = safeRead(reader, path, d.issues);
    if (text === null) d.issues.push(`Required file is missing: ${path}`);
    else {
      texts.set(path, text);
      d.contractsRead.push(path);
    }
  }
  const artifact = (path: string): string | null => {
    if (texts.has(path)) return texts.get(path) ?? null;
    const text = safeRead(reader, path, d.issues);
    if (text !== null) d.contractsRead.push(path);
    return text;
  };
  const { model, errors } = readGraceModel({
    developmentPlan: artifact(ARTIFACT_PATHS.developmentPlan),
    knowledgeGraph: artifact(ARTIFACT_PATHS.knowledgeGraph),
    verificationPlan: artifact(ARTIFACT_PATHS.verificationPlan),
  });
  d.issues.push(...errors);
  for (const id of model.invalidIds) d.warnings.push(`Ignoring non-canonical GRACE id tag: ${id}`);
  for (const path of policy.requiredFiles) {
    if (!texts.has(path) && !reader.exists(path)) d.warnings.push(`Required file is missing: ${path}`);
  }
  return model;
}

/** Affected files: literal scopes as given, glob scopes expanded through the reader. */
function expandScopes(
  reader: RepoReader,
  relative: readonly string[],
  d: Discovery,
): { files: string[]; globs: ScopeMatcher[] } {
  const literalFiles: string[] = [];
  const globs: ScopeMatcher[] = [];
  for (const scope of relative) {
    const p = normalizePattern(scope);
    if (GLOB_CHARS.test(p)) {
      globs.push(compileScope([p]));
      try {
        literalFiles.push(...reader.list(p));
      } catch (error) {
        if (!(error instanceof OrchestratorError)) throw error;
        d.issues.push(error.message); // e.g. the glob's base directory is a link leaving the repo
      }
    } else literalFiles.push(p);
  }
  return { files: sortedUnique(literalFiles), globs };
}

/** Code-adjacent contracts in the affected files, and the module and verification ids they link. */
function scanCodeContracts(
  reader: RepoReader,
  files: readonly string[],
  model: GraceModel,
  d: Discovery,
): { linkedModules: Set<string>; linkedVerifications: Set<string> } {
  const linkedModules = new Set<string>();
  const linkedVerifications = new Set<string>();
  for (const file of files) {
    const text = safeRead(reader, file, d.issues);
    if (text === null) continue;
    const markup = scanMarkup(file, text);
    if (!markup.governed) continue;
    d.issues.push(...markup.issues);
    d.warnings.push(...markup.warnings);
    if (markup.hasModuleContract || markup.hasFunctionContract) {
      d.localContractFiles.push(file);
      d.contractsRead.push(file);
    }
    for (const id of markup.moduleRefs) {
      if (model.plan.has(id) || model.graph.has(id)) linkedModules.add(id);
      else
        d.warnings.push(
          `${file} links ${id}, which is not declared in the development plan or knowledge graph`,
        );
    }
    markup.verificationRefs.forEach((id) => linkedVerifications.add(id));
  }
  return { linkedModules, linkedVerifications };
}

/** Project-local @rule blocks that concern the scope (its modules or paths) or are project-wide. */
function collectRuleRefs(
  reader: RepoReader,
  requiredFiles: readonly string[],
  relative: readonly string[],
  d: Discovery,
): void {
  const fragments = lowerFragments(relative);
  for (const path of requiredFiles) {
    if (!path.toLowerCase().endsWith(".md")) continue;
    const text = safeRead(reader, path, []);
    if (text === null) continue;
    for (const rule of extractRuleBlocks(text)) {
      const body = rule.body.toLowerCase();
      const mentionsModule = /\bM-[A-Z0-9]/.test(rule.body);
      const concerns =
        [...d.moduleRefs].some((m) => rule.body.includes(m)) || fragments.some((f) => body.includes(f));
      if (concerns || !mentionsModule) d.ruleRefs.add(rule.id);
    }
  }
}

/** The affected scope as collectRefs matches modules against it. */
interface Coverage {
  files: readonly string[];
  globs: readonly ScopeMatcher[];
  linkedModules: ReadonlySet<string>;
  linkedVerifications: ReadonlySet<string>;
}

/** Covering modules and their verification entries, with consistency issues for them. */
function collectRefs(model: GraceModel, coverage: Coverage, sink: RefSink): void {
  const { files, globs, linkedModules, linkedVerifications } = coverage;
  const covering = new Set(linkedModules);
  for (const m of [...model.plan.values(), ...model.graph.values()]) {
    if (moduleCovers(m, files, globs)) covering.add(m.id);
  }
  const fileSet = new Set(files);
  for (const v of model.verification.values()) {
    if (v.module !== null && v.testFiles.some((t) => fileSet.has(normalizePattern(t))))
      covering.add(v.module);
  }
  const conflict = (message: string): void => {
    sink.issues.push(message);
    sink.conflicts.push(message);
  };
  for (const id of [...covering].sort()) {
    const inPlan = model.plan.get(id);
    const inGraph = model.graph.get(id);
    if (!inPlan && !inGraph) continue; // a test file's MODULE naming nothing declared
    sink.moduleRefs.add(id);
    if (!inGraph)
      conflict(
        `Module ${id} is in ${ARTIFACT_PATHS.developmentPlan} but not in ${ARTIFACT_PATHS.knowledgeGraph}`,
      );
    if (!inPlan)
      conflict(
        `Module ${id} is in ${ARTIFACT_PATHS.knowledgeGraph} but not in ${ARTIFACT_PATHS.developmentPlan}`,
      );
    const refs = new Set([...(inPlan?.verificationRefs ?? []), ...(inGraph?.verificationRefs ?? [])]);
    for (const v of model.verification.values()) if (v.module === id) refs.add(v.id);
    for (const ref of [...refs].sort()) {
      const entry = model.verification.get(ref);
      if (!entry) {
        sink.issues.push(
          `Module ${id} references ${ref}, which has no entry in ${ARTIFACT_PATHS.verificationPlan}`,
        );
      } else if (entry.module !== id) {
        conflict(`Verification entry ${ref} names module ${entry.module ?? "(none)"}, not ${id}`);
      } else sink.verificationRefs.add(ref);
    }
  }
  for (const ref of [...linkedVerifications].sort()) {
    const entry = model.verification.get(ref);
    if (!entry) {
      sink.issues.push(`Linked verification ${ref} has no entry in ${ARTIFACT_PATHS.verificationPlan}`);
    } else if (entry.module !== null && sink.moduleRefs.has(entry.module)) sink.verificationRefs.add(ref);
  }
}
