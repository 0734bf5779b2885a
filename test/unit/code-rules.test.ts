/**
 * Rules every source file keeps, checked over the files themselves. First rule: nothing cites a
 * document outside the repository (a design doc's sections, its numbered quirks or decisions, an
 * issue tracker). A comment states its rule itself; the project's own decisions live in
 * docs/decisions.md and are cited as "docs/decisions.md #N".
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const THIS_FILE = "test/unit/code-rules.test.ts";
const ROOTS = ["src", "native-bindings", "scripts", "test", "bench"];
const SKIP = new Set(["test/fixtures"]);
const EXTENSIONS = [".ts", ".mjs", ".cjs", ".js", ".ps1", ".sh"];

/** What an outside citation looks like, each with a line it must catch. */
const OUTSIDE_CITATIONS: { name: string; pattern: RegExp; example: string }[] = [
  { name: "section sign", pattern: /§\s*\d/, example: "// see §10.9" },
  { name: "the reference doc", pattern: /\breference\s*§/i, example: "/** Reference §6.7: hooks */" },
  { name: "numbered quirk", pattern: /\bquirks?\s+\d/i, example: "// (quirk 16)" },
  { name: "numbered decision", pattern: /\bdecision\s+\d/i, example: "// architecture decision 6" },
  { name: "issue number", pattern: /\bissues?\s+#?\d/i, example: 'it("never credentials (issue 5)")' },
  { name: "spec folder", pattern: /\bspec\//, example: "// spec/reference-behaviour.md" },
  { name: "design doc", pattern: /\bARCHITECTURE\b/, example: "// see ARCHITECTURE" },
  { name: "design doc file", pattern: /\barchitecture(?:\.md|\s+decision)/i, example: "// architecture.md" },
  { name: "behaviour doc", pattern: /reference[- ]behaviou?r/i, example: "// (reference behaviour)" },
  { name: "method doc", pattern: /grace-method/i, example: "// grace-method §3" },
  {
    name: "notes doc",
    pattern: /\bSTYLE\.md\b|\b(?:field|platform|mcp-sdk)-facts\b/,
    example: "// see notes/field-facts",
  },
  {
    name: "the reference as a source",
    pattern:
      /\bthe reference\b|\breference(?:'s)? (?:style|format|labels|test)\b|^\s*(?:\/\*\*|\/\/|\*|#)\s*Reference\b/i,
    example: "// as in the reference",
  },
];

/** Phrasings that stay allowed (each must pass every pattern). */
const ALLOWED = [
  "// docs/decisions.md #5: scope patterns are our own language",
  '"PROCESSOR_ARCHITECTURE",',
  'noModule: "No M-* module reference was discovered for the affected scope",',
  "throw new OrchestratorError(`Invalid commit reference: ${rev}`);",
  "// the predecessor (the Python server) wrote `+00:00` offsets",
  "`Architecture intent: ${b.task.architecture_intent}`,",
  'grep -v "dpkg --add-architecture" "$err"',
];

function sourceFiles(relDir: string): string[] {
  if (SKIP.has(relDir)) return [];
  return fs.readdirSync(path.join(REPO, relDir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${relDir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(rel);
    return EXTENSIONS.some((ext) => entry.name.endsWith(ext)) ? [rel] : [];
  });
}

function filesToCheck(): string[] {
  const topScripts = fs.readdirSync(REPO).filter((name) => name.endsWith(".ps1"));
  return [...ROOTS.flatMap((root) => sourceFiles(root)), ...topScripts].filter((rel) => rel !== THIS_FILE);
}

/** Every line of `text` that cites an outside document, as `file:line: text`. */
function outsideCitations(rel: string, text: string): string[] {
  return text
    .split("\n")
    .flatMap((line, i) =>
      OUTSIDE_CITATIONS.some(({ pattern }) => pattern.test(line)) ? [`${rel}:${i + 1}: ${line.trim()}`] : [],
    );
}

describe("no file cites a document outside the repository", () => {
  it.each(OUTSIDE_CITATIONS)("the $name pattern catches its example", ({ example }) => {
    expect(outsideCitations("x.ts", example)).toHaveLength(1);
  });

  it.each(ALLOWED)("allows %s", (line) => {
    expect(outsideCitations("x.ts", line)).toEqual([]);
  });

  it("finds the files it checks", () => {
    const files = filesToCheck();
    for (const expected of [
      "src/cli/server.ts",
      "native-bindings/kernel32.ts",
      "Start-GraceHostContinuation.ps1",
    ])
      expect(files).toContain(expected);
    expect(files.some((f) => f.startsWith("test/fixtures/"))).toBe(false);
    expect(files.some((f) => f.endsWith(".mjs"))).toBe(true);
    expect(files.some((f) => f.endsWith(".sh"))).toBe(true);
  });

  it("src, native-bindings, scripts, test, bench and the top-level scripts cite nothing outside", () => {
    const found = filesToCheck().flatMap((rel) =>
      outsideCitations(rel, fs.readFileSync(path.join(REPO, rel), "utf8")),
    );
    expect(found.join("\n")).toBe("");
  });
});
