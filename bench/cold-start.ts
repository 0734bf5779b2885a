import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { fmt, median, percentile } from "./stats.js";

const RUNS = Number(process.argv[2] ?? 20);
const entry = path.resolve(import.meta.dirname, "..", "src", "cli", "server.js");

function peakRssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

const init: number[] = [];
const list: number[] = [];
const rss: number[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-cold-"));
for (let i = 0; i < RUNS + 1; i += 1) {
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
  if (i === 0) continue; // the first run warms the OS file cache
  init.push(t1 - t0);
  list.push(t2 - t0);
  rss.push(kb / 1024);
}
fs.rmSync(dataDir, { recursive: true, force: true });
console.log(`cold start over ${RUNS} runs (spawn → initialize answered → tools/list answered)`);
console.log(`  initialize: median ${fmt(median(init))}, p90 ${fmt(percentile(init, 90))}`);
console.log(`  tools/list: median ${fmt(median(list))}, p90 ${fmt(percentile(list, 90))}  (target < 300 ms)`);
console.log(
  `  peak RSS:   median ${median(rss).toFixed(1)} MB, max ${Math.max(...rss).toFixed(1)} MB  (target < 90 MB)`,
);
