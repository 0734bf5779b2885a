/**
 * Code-adjacent GRACE markup: MODULE_CONTRACT fields, function
 * contracts and their LINKS. Text scanning is right here: these are comment lines in
 * source files, not XML.
 */
import { MODULE_ID, VERIFICATION_ID } from "./grace-artifacts.js";

export const CODE_EXTENSIONS: ReadonlySet<string> = new Set(
  ".js .jsx .ts .tsx .mjs .cjs .mts .cts .py .pyi .go .java .kt .rs .rb .php .swift .scala .sql .sh .bash .zsh .clj .cljs .cljc .dart".split(
    " ",
  ),
);

const GOVERNING_MARKERS = [
  "START_MODULE_CONTRACT",
  "START_MODULE_MAP",
  "START_CONTRACT:",
  "START_BLOCK_",
  "START_CHANGE_SUMMARY",
];
export const REQUIRED_MODULE_CONTRACT_FIELDS = ["PURPOSE", "SCOPE", "DEPENDS", "LINKS"] as const;

// Longest leaders first so `///` is not read as `//` + `/`.
const COMMENT_LEADER = /^\s*(?:\/\/\/|\/\/|\/\*+|\*|#+|--|;+)\s?/;

export interface FileMarkup {
  governed: boolean;
  hasModuleContract: boolean;
  hasFunctionContract: boolean;
  moduleRefs: string[];
  verificationRefs: string[];
  /** Blocking problems with the markup (exact messages). */
  issues: string[];
  warnings: string[];
}

export function hasCodeExtension(path: string): boolean {
  const dot = path.lastIndexOf(".");
  return dot > path.lastIndexOf("/") && CODE_EXTENSIONS.has(path.slice(dot).toLowerCase());
}

/** The comment body of a line, or null when the line is not a comment line. */
function commentBody(line: string): string | null {
  const m = COMMENT_LEADER.exec(line);
  return m ? line.slice(m[0].length).trim() : null;
}

function parseLinks(value: string, file: string, out: FileMarkup): void {
  for (const item of value.split(",").map((s) => s.trim())) {
    if (item === "") continue;
    if (VERIFICATION_ID.test(item)) out.verificationRefs.push(item);
    else if (MODULE_ID.test(item)) out.moduleRefs.push(item);
    else if (/\b(?:V-)?M-/.test(item)) {
      out.warnings.push(`LINKS item in ${file} is not an exact comma-separated anchor: ${item}`);
    }
  }
}

export function scanMarkup(file: string, text: string): FileMarkup {
  const out: FileMarkup = {
    governed: false,
    hasModuleContract: false,
    hasFunctionContract: false,
    moduleRefs: [],
    verificationRefs: [],
    issues: [],
    warnings: [],
  };
  if (!hasCodeExtension(file)) return out;
  const bodies = text.split(/\r?\n/).map(commentBody);
  out.governed = bodies.some((b) => b !== null && GOVERNING_MARKERS.some((m) => b.startsWith(m)));
  if (!out.governed) return out;

  let inModuleContract = false;
  let moduleContractClosed = false;
  const moduleFields = new Set<string>();
  const openContracts: string[] = [];
  for (const body of bodies) {
    if (body === null) continue;
    if (body === "START_MODULE_CONTRACT") {
      inModuleContract = true;
      continue;
    }
    if (body === "END_MODULE_CONTRACT") {
      if (inModuleContract) moduleContractClosed = true;
      else out.issues.push(`Module contract in ${file} has END_MODULE_CONTRACT before START_MODULE_CONTRACT`);
      inModuleContract = false;
      continue;
    }
    const start = /^START_CONTRACT:\s*(\S+)/.exec(body);
    if (start?.[1]) {
      openContracts.push(start[1]);
      out.hasFunctionContract = true;
      continue;
    }
    const end = /^END_CONTRACT:\s*(\S+)/.exec(body);
    if (end?.[1]) {
      const open = openContracts.pop();
      if (open !== end[1]) {
        out.issues.push(
          `Contract ${open ?? end[1]} in ${file} has no matching END_CONTRACT: ${open ?? end[1]}`,
        );
      }
      continue;
    }
    const field = /^([A-Z_]+):\s*(.*)$/.exec(body);
    if (!field?.[1]) continue;
    const [, label, value = ""] = field;
    if (inModuleContract) {
      if (value.trim() !== "") moduleFields.add(label);
      if (label === "LINKS") parseLinks(value, file, out);
    } else if (openContracts.length > 0 && label === "LINKS") parseLinks(value, file, out);
  }
  for (const open of openContracts) {
    out.issues.push(`Contract ${open} in ${file} has no matching END_CONTRACT: ${open}`);
  }
  if (inModuleContract) out.issues.push(`Module contract in ${file} has no END_MODULE_CONTRACT`);
  out.hasModuleContract = moduleContractClosed || inModuleContract;
  if (!out.hasModuleContract) out.issues.push(`Governed file ${file} has no MODULE_CONTRACT`);
  else {
    for (const required of REQUIRED_MODULE_CONTRACT_FIELDS) {
      if (!moduleFields.has(required)) {
        out.issues.push(`Module contract in ${file} is missing required field: ${required}`);
      }
    }
  }
  return out;
}
