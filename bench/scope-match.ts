// Scope matching cost on adversarial input: a forbidden pattern with k wildcards in one segment
// against a 250-character name that almost matches (every wildcard must be retried). A matcher
// that backtracks grows like 250^k; a linear one stays flat. Also a long path against several `**`.
import { performance } from "node:perf_hooks";
import { compileScope } from "../src/domain/scope.js";
import { fmt, median } from "./stats.js";

const RUNS = Number(process.argv[2] ?? 15);
/** A case slower than this once is not repeated (a backtracking matcher runs for minutes). */
const GIVE_UP_MS = 2_000;

function time(pattern: string, name: string): { median: number; runs: number } {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    compileScope([pattern], true).test(name);
    samples.push(performance.now() - start);
    if (samples[0]! > GIVE_UP_MS) break;
  }
  return { median: median(samples), runs: samples.length };
}

const name = `${"a".repeat(250)}`;
console.log(`scope matching, 250-char name "a…a" (no final "b"), median of ${RUNS} runs (compile + test)`);
for (let k = 1; k <= 6; k++) {
  const pattern = `${"*a".repeat(k)}b`;
  const r = time(pattern, name);
  const note = r.runs < RUNS ? ` (one run, over ${GIVE_UP_MS} ms: not repeated)` : "";
  console.log(`  ${k} wildcard(s) ${pattern.padEnd(14)} ${fmt(r.median)}${note}`);
}
const deep = Array.from({ length: 60 }, (_, i) => `d${i}`).join("/");
const globstars = "**/d1/**/d2/**/d3/**/nope";
const g = time(globstars, deep);
console.log(`  ${globstars} against a 60-segment path: ${fmt(g.median)}`);
