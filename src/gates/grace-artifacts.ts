/**
 * The GRACE 3 shared artifacts (`docs/*.xml`) as a small model: modules from the
 * development plan and the knowledge graph, and verification entries. Only `M-*` tags in
 * the plan or the graph declare real modules, so template placeholders elsewhere
 * (operational-packets.xml, AGENTS.md) never become module refs.
 */
import { ARTIFACT_PATHS } from "./artifact-paths.js";
import { attr, childNames, childNodes, parseXml, textLeaves, type XmlNode } from "./xml.js";

export const MODULE_ID = /^M-[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
export const VERIFICATION_ID = /^V-M-[A-Z0-9]+(?:-[A-Z0-9]+)*$/;

export { ARTIFACT_PATHS };

/** Expected root element per canonical artifact path, as the GRACE method names them. */
export const ARTIFACT_ROOTS: Readonly<Record<string, string>> = {
  [ARTIFACT_PATHS.requirements]: "RequirementsAnalysis",
  [ARTIFACT_PATHS.technology]: "TechnologyStack",
  [ARTIFACT_PATHS.developmentPlan]: "DevelopmentPlan",
  [ARTIFACT_PATHS.verificationPlan]: "VerificationPlan",
  [ARTIFACT_PATHS.knowledgeGraph]: "KnowledgeGraph",
  [ARTIFACT_PATHS.operationalPackets]: "OperationalPackets",
};

export interface SharedModule {
  id: string;
  /** Paths, directories or globs owned by the module (plan `target`, graph `path`). */
  paths: string[];
  verificationRefs: string[];
}

export interface VerificationEntry {
  id: string;
  module: string | null;
  testFiles: string[];
}

export interface GraceModel {
  plan: Map<string, SharedModule>;
  graph: Map<string, SharedModule>;
  verification: Map<string, VerificationEntry>;
  /** Non-canonical `M-`/`V-M-` tags seen (reported, not used). */
  invalidIds: string[];
}

/** Path lists in XML text may be comma- or newline-separated. */
function splitPaths(texts: readonly string[]): string[] {
  return texts
    .flatMap((t) => t.split(/[,\n]/))
    .map((t) => t.trim())
    .filter((t) => t !== "" && t.toLowerCase() !== "none");
}

function modulesUnder(
  container: XmlNode,
  pathTags: readonly string[],
  model: GraceModel,
): Map<string, SharedModule> {
  const out = new Map<string, SharedModule>();
  for (const name of childNames(container)) {
    if (!name.startsWith("M-")) continue;
    if (!MODULE_ID.test(name)) {
      model.invalidIds.push(name);
      continue;
    }
    for (const node of childNodes(container, name)) {
      const paths = splitPaths(pathTags.flatMap((tag) => childNodes(node, tag).flatMap(textLeaves)));
      const refs = childNodes(node, "verification-ref")
        .flatMap(textLeaves)
        .map((t) => t.trim());
      const existing = out.get(name);
      if (existing) {
        existing.paths.push(...paths);
        existing.verificationRefs.push(...refs);
      } else out.set(name, { id: name, paths, verificationRefs: refs });
    }
  }
  return out;
}

function verificationEntries(container: XmlNode, model: GraceModel): Map<string, VerificationEntry> {
  const out = new Map<string, VerificationEntry>();
  for (const name of childNames(container)) {
    if (!name.startsWith("V-M-")) continue;
    if (!VERIFICATION_ID.test(name)) {
      model.invalidIds.push(name);
      continue;
    }
    for (const node of childNodes(container, name)) {
      const testFiles = splitPaths(childNodes(node, "test-files").flatMap(textLeaves));
      out.set(name, { id: name, module: attr(node, "MODULE"), testFiles });
    }
  }
  return out;
}

export function emptyModel(): GraceModel {
  return { plan: new Map(), graph: new Map(), verification: new Map(), invalidIds: [] };
}

/**
 * Builds the model from the three artifact texts that carry modules. Returns per-path
 * parse errors instead of throwing; a missing text contributes nothing.
 */
export function readGraceModel(texts: {
  developmentPlan: string | null;
  knowledgeGraph: string | null;
  verificationPlan: string | null;
}): { model: GraceModel; errors: string[] } {
  const model = emptyModel();
  const errors: string[] = [];
  const root = (path: string, text: string | null): XmlNode | null => {
    if (text === null) return null;
    const parsed = parseXml(text);
    if (!parsed.ok) {
      errors.push(`XML artifact is not well-formed: ${path}: ${parsed.error}`);
      return null;
    }
    const expected = ARTIFACT_ROOTS[path];
    if (expected !== undefined && parsed.rootName !== expected) {
      errors.push(
        `XML artifact has unexpected root element: ${path}: expected ${expected}, found ${parsed.rootName}`,
      );
      return null;
    }
    return parsed.root;
  };
  const plan = root(ARTIFACT_PATHS.developmentPlan, texts.developmentPlan);
  if (plan) {
    for (const modules of childNodes(plan, "Modules")) {
      for (const [id, m] of modulesUnder(modules, ["target"], model)) model.plan.set(id, m);
    }
  }
  const graph = root(ARTIFACT_PATHS.knowledgeGraph, texts.knowledgeGraph);
  if (graph) {
    for (const project of childNodes(graph, "Project")) {
      for (const [id, m] of modulesUnder(project, ["path"], model)) model.graph.set(id, m);
    }
  }
  const verification = root(ARTIFACT_PATHS.verificationPlan, texts.verificationPlan);
  if (verification) {
    for (const section of childNodes(verification, "ModuleVerification")) {
      for (const [id, v] of verificationEntries(section, model)) model.verification.set(id, v);
    }
  }
  return { model, errors };
}
