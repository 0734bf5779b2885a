// Scope matching cost on adversarial input: a forbidden pattern with k wildcards in one segment
// against a 250-character name that almost matches (every wildcard must be retried). A matcher
// that backtracks grows like 250^k; a linear one stays flat. Patterns over the input bound are
// refused when compiled; the segment matcher is also timed on them directly, without the bound.
import { performance } from "node:perf_hooks";
import { OrchestratorError } from "../src/domain/errors.js";
import type { Atom } from "../src/domain/glob/pattern.js";
import { matchSegment } from "../src/domain/glob/segment.js";
import { compileScope } from "../src/domain/scope.js";
import { fmt, median } from "./stats.js";

const RUNS = Number(process.argv[2] ?? 15);
/** A case slower than this once is not repeated (a backtracking matcher runs for minutes). */
const GIVE_UP_MS = 2_000;

function time(run: () => unknown): { median: number; runs: number } {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
    if (samples[0]! > GIVE_UP_MS) break;
  }
  return { median: median(samples), runs: samples.length };
}

function compiled(pattern: string, name: string): string {
  try {
    compileScope([pattern], true);
  } catch (error) {
    if (error instanceof OrchestratorError) return "refused at input";
    throw error;
  }
  const r = time(() => compileScope([pattern], true).test(name));
  return `${fmt(r.median)}${r.runs < RUNS ? ` (one run, over ${GIVE_UP_MS} ms)` : ""}`;
}

/** `*a` k times then `b`, as atoms: the segment matcher without the input bound. */
function atoms(k: number): Atom[] {
  const a = { kind: "char", cp: 97 } as const;
  return [
    ...Array.from({ length: k }, () => [{ kind: "star" } as const, a]).flat(),
    { kind: "char", cp: 98 },
  ];
}

const name = "a".repeat(250);
console.log(`scope matching, "a"×250 (no final "b"), median of ${RUNS} runs`);
console.log("  k  pattern         compileScope + test   segment matcher alone (250 / 4,000 chars)");
for (let k = 1; k <= 6; k++) {
  const pattern = `${"*a".repeat(k)}b`;
  const short = time(() => matchSegment(atoms(k), name, true));
  const long = time(() => matchSegment(atoms(k), "a".repeat(4000), true));
  console.log(
    `  ${k}  ${pattern.padEnd(14)}  ${compiled(pattern, name).padEnd(20)}  ${fmt(short.median)} / ${fmt(long.median)}`,
  );
}
const deep = Array.from({ length: 200 }, (_, i) => `d${i % 7}`).join("/");
const globstars = "**/d1/**/d2/**/d3/**/d4/**/nope";
console.log(`  ${globstars} against a 200-segment path: ${compiled(globstars, deep)}`);
