// Contract discovery on a generated GRACE 3 repo with 2,000 marked-up source files
// (40 modules × 50 files): median time per scope shape. Target: under 200 ms.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { discoverContracts, FsRepoReader } from "../src/gates/index.js";
import { fmt, median, percentile } from "./stats.js";

const MODULES = 40;
const FILES_PER_MODULE = 50;
const RUNS = Number(process.argv[2] ?? 30);

const pad = (n: number): string => String(n).padStart(2, "0");
const moduleId = (m: number): string => `M-MOD${pad(m)}`;

function write(root: string, rel: string, text: string): void {
  const full = path.join(root, rel);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
}

function sourceFile(m: number, f: number): string {
  return [
    `// FILE: src/mod${pad(m)}/file${pad(f)}.ts`,
    "// START_MODULE_CONTRACT",
    `//   PURPOSE: generated file ${f} of module ${m}`,
    "//   SCOPE: compute",
    "//   DEPENDS: none",
    `//   LINKS: ${moduleId(m)}, V-${moduleId(m)}, fn-compute${f}`,
    "// END_MODULE_CONTRACT",
    "// START_MODULE_MAP",
    `//   compute${f} - returns a number`,
    "// END_MODULE_MAP",
    `// START_CONTRACT: compute${f}`,
    "//   PURPOSE: return a number",
    `//   LINKS: ${moduleId(m)}`,
    `// END_CONTRACT: compute${f}`,
    `export function compute${f}(x: number): number {`,
    "  // START_BLOCK_COMPUTE",
    ...Array.from({ length: 30 }, (_, i) => `  x = x * ${i + 2} + ${f};`),
    "  // END_BLOCK_COMPUTE",
    "  return x;",
    "}",
    "",
  ].join("\n");
}

function generate(root: string): void {
  const ids = Array.from({ length: MODULES }, (_, m) => m);
  write(
    root,
    "docs/requirements.xml",
    `<RequirementsAnalysis VERSION="1"><Project><name>bench</name></Project></RequirementsAnalysis>`,
  );
  write(
    root,
    "docs/technology.xml",
    `<TechnologyStack VERSION="1"><Runtime>Node 22</Runtime></TechnologyStack>`,
  );
  write(
    root,
    "docs/operational-packets.xml",
    `<OperationalPackets VERSION="1"><ExecutionPacketTemplate/></OperationalPackets>`,
  );
  write(
    root,
    "docs/development-plan.xml",
    `<DevelopmentPlan VERSION="1"><Modules>${ids
      .map(
        (m) =>
          `<${moduleId(m)} NAME="Mod${m}" TYPE="CORE_LOGIC"><contract><purpose>p</purpose></contract>` +
          `<target><source>src/mod${pad(m)}/</source><tests>tests/mod${pad(m)}.test.ts</tests></target>` +
          `<verification-ref>V-${moduleId(m)}</verification-ref></${moduleId(m)}>`,
      )
      .join("\n")}</Modules></DevelopmentPlan>`,
  );
  write(
    root,
    "docs/knowledge-graph.xml",
    `<KnowledgeGraph><Project NAME="bench" VERSION="1">${ids
      .map(
        (m) =>
          `<${moduleId(m)} NAME="Mod${m}" TYPE="CORE_LOGIC" STATUS="implemented"><path>src/mod${pad(m)}/</path>` +
          `<verification-ref>V-${moduleId(m)}</verification-ref></${moduleId(m)}>`,
      )
      .join("\n")}</Project></KnowledgeGraph>`,
  );
  write(
    root,
    "docs/verification-plan.xml",
    `<VerificationPlan VERSION="1"><ModuleVerification>${ids
      .map(
        (m) =>
          `<V-${moduleId(m)} MODULE="${moduleId(m)}" PRIORITY="high"><test-files><file>tests/mod${pad(m)}.test.ts</file></test-files>` +
          `<module-checks><command-1>npx vitest run tests/mod${pad(m)}.test.ts</command-1></module-checks></V-${moduleId(m)}>`,
      )
      .join("\n")}</ModuleVerification></VerificationPlan>`,
  );
  write(
    root,
    "AGENTS.md",
    `# bench\n<!-- @rule id="R-1" -->\nAll code lives under src/.\n<!-- @rule-end id="R-1" -->\n`,
  );
  for (const m of ids) {
    for (let f = 0; f < FILES_PER_MODULE; f++)
      write(root, `src/mod${pad(m)}/file${pad(f)}.ts`, sourceFile(m, f));
  }
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-discovery-"));
try {
  generate(root);
  const reader = new FsRepoReader(root);
  const scopes: [string, string[]][] = [
    ["one file", ["src/mod07/file13.ts"]],
    ["one module glob (50 files)", ["src/mod07/**"]],
    ["three files in two modules", ["src/mod01/file01.ts", "src/mod01/file02.ts", "src/mod22/file40.ts"]],
    ["whole tree glob (2,000 files)", ["src/**"]],
  ];
  console.log(
    `contract discovery: ${MODULES * FILES_PER_MODULE} source files, ${MODULES} modules, ${RUNS} runs per scope`,
  );
  for (const [name, scope] of scopes) {
    const first = discoverContracts(reader, scope);
    if (first.status !== "pass") throw new Error(`${name}: discovery blocked: ${first.issues.join("; ")}`);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      discoverContracts(reader, scope);
      times.push(performance.now() - t0);
    }
    console.log(
      `${name.padEnd(32)} median ${fmt(median(times))}  p95 ${fmt(percentile(times, 95))}  ` +
        `(${first.module_refs.length} module refs, ${first.local_contract_files.length} local contract files)`,
    );
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
