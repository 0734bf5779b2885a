/**
 * Server start: spawn → `initialize` answered → `tools/list` answered, with the child's peak RSS.
 * Two kinds of start, interleaved so machine load hits both alike:
 *  - first start: a new, empty data dir each time (ledger created and migrated, no V8 compile cache);
 *  - warm start: one data dir reused (ledger migrated, compile cache written by an earlier start).
 *
 *   node dist/bench/cold-start.js [runs]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { fmt, fmtTail, median } from "./stats.js";

const RUNS = Number(process.argv[2] ?? 20);
const WARM_TARGET_MS = 200;
const FIRST_TARGET_MS = 350;
const RSS_TARGET_MB = 90;
const entry = path.resolve(import.meta.dirname, "..", "src", "cli", "server.js");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-start-"));

interface Start {
  init: number;
  list: number;
  rssMb: number;
}

function peakRssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

async function startOnce(dataDir: string): Promise<Start> {
  const t0 = performance.now();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [entry],
    env: {
      PATH: process.env.PATH ?? "",
      GRACE_ORCHESTRATOR_DATA_DIR: dataDir,
      GRACE_ORCHESTRATOR_ACTOR_NAME: "codex-bench",
      GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex",
      GRACE_LOG_LEVEL: "warn",
    },
  });
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(transport);
  const t1 = performance.now();
  await client.listTools();
  const t2 = performance.now();
  const pid = transport.pid;
  const kb = pid ? peakRssKb(pid) : Number.NaN;
  await client.close();
  return { init: t1 - t0, list: t2 - t0, rssMb: kb / 1024 };
}

let fresh = 0;
const newDataDir = () => path.join(scratch, `fresh-${(fresh += 1)}`);

const warmDir = path.join(scratch, "warm");
await startOnce(newDataDir()); // warms the OS file cache for node and our modules; not counted
await startOnce(warmDir); // the warm dir's own first start: migrates it and writes its compile cache
const first: Start[] = [];
const warm: Start[] = [];
for (let i = 0; i < RUNS; i += 1) {
  first.push(await startOnce(newDataDir()));
  warm.push(await startOnce(warmDir));
}
fs.rmSync(scratch, { recursive: true, force: true });

function report(label: string, starts: readonly Start[], targetMs: number): void {
  const pick = (key: keyof Start) => starts.map((s) => s[key]);
  const list = median(pick("list"));
  const rss = pick("rssMb");
  console.log(`${label} (${starts.length} runs)`);
  console.log(`  initialize: median ${fmt(median(pick("init")))}, ${fmtTail(pick("init"), 90)}`);
  console.log(
    `  tools/list: median ${fmt(list)}, ${fmtTail(pick("list"), 90)}  (target median < ${targetMs} ms: ${list < targetMs ? "met" : "NOT met"})`,
  );
  console.log(
    `  peak RSS:   median ${median(rss).toFixed(1)} MB, max ${Math.max(...rss).toFixed(1)} MB  (target < ${RSS_TARGET_MB} MB)`,
  );
}

console.log(
  `server start, spawn → initialize answered → tools/list answered; load average ${os.loadavg()[0]!.toFixed(1)}`,
);
report("warm start: reused data dir (ledger migrated, compile cache present)", warm, WARM_TARGET_MS);
report("first start: new data dir each run (ledger created, no compile cache)", first, FIRST_TARGET_MS);
console.log(
  `  ratio first / warm (tools/list medians): ${(median(first.map((s) => s.list)) / median(warm.map((s) => s.list))).toFixed(2)}`,
);
