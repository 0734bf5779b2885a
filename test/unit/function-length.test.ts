/**
 * No function in src/ or native-bindings/ is longer than 80 lines: a longer one is split by step,
 * each step named for what it does. Measured on the body, from its opening to its closing brace.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const REPO = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const MAX_LINES = 80;

function tsFiles(relDir: string): string[] {
  return fs.readdirSync(path.join(REPO, relDir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${relDir}/${entry.name}`;
    if (entry.isDirectory()) return tsFiles(rel);
    return entry.name.endsWith(".ts") ? [rel] : [];
  });
}

interface FunctionSpan {
  name: string;
  line: number;
  lines: number;
}

function nameOf(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  return "(anonymous)";
}

/** Every function with a body in `text`: its name, first line and length in lines. */
function functionSpans(fileName: string, text: string): FunctionSpan[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const spans: FunctionSpan[] = [];
  const visit = (node: ts.Node): void => {
    const body = ts.isFunctionLike(node) ? (node as ts.FunctionLikeDeclaration).body : undefined;
    if (body !== undefined) {
      const first = sf.getLineAndCharacterOfPosition(body.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(body.getEnd()).line;
      spans.push({
        name: nameOf(node as ts.FunctionLikeDeclaration, sf),
        line: first + 1,
        lines: last - first + 1,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return spans;
}

describe("function length", () => {
  it("measures every kind of function, nested ones too", () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");
    const text = [
      `export function declared() {\n${body(3)}\n}`,
      `const arrow = () => {\n${body(81)}\n};`,
      `class K { method() {\n${body(1)}\n  const inner = function () {\n${body(2)}\n  };\n} }`,
    ].join("\n");
    const spans = functionSpans("x.ts", text).map((s) => [s.name, s.lines]);
    expect(spans).toEqual([
      ["declared", 5],
      ["arrow", 83],
      ["method", 7],
      ["inner", 4],
    ]);
  });

  it(`no function in src/ or native-bindings/ is longer than ${MAX_LINES} lines`, () => {
    const long = [...tsFiles("src"), ...tsFiles("native-bindings")].flatMap((rel) =>
      functionSpans(rel, fs.readFileSync(path.join(REPO, rel), "utf8"))
        .filter((s) => s.lines > MAX_LINES)
        .map((s) => `${rel}:${s.line} ${s.name} (${s.lines} lines)`),
    );
    expect(long).toEqual([]);
  });
});
