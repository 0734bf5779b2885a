import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { eventsPath } from "../src/handoff/run-paths.js";
import { seedClaimedPackage } from "../test/helpers/seed-ledger.js";
import { resultValue } from "../test/helpers/mcp-client.js";
import { fmt, median, percentile } from "./stats.js";

/** Worker's report_worker_event call starts → the controller's handoff.wait_for_event returns, across processes. */
const TRIALS = Number(process.argv[2] ?? 100);
const POLL_MS = 500;
const entry = path.resolve(import.meta.dirname, "..", "src", "cli", "server.js");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-handoff-"));
const repo = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-handoff-repo-"));
const seeded = seedClaimedPackage(dataDir, repo);

async function start(name: string, role: string): Promise<Client> {
  const client = new Client({ name, version: "0" });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [entry],
      env: {
        PATH: process.env.PATH ?? "",
        GRACE_ORCHESTRATOR_DATA_DIR: dataDir,
        GRACE_ORCHESTRATOR_ACTOR_NAME: name,
        GRACE_ORCHESTRATOR_ACTOR_ROLE: role,
        GRACE_LOG_LEVEL: "warn",
        // Every trial reports one event on the same package: no per-minute limit here.
        GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE: "0",
      },
    }),
  );
  return client;
}

const codex = await start("codex-main", "codex");
const worker = await start("junior-1", "worker_junior");
const file = eventsPath(dataDir, seeded);

// The polling baseline watches the same file the way a poller would: re-read every 500 ms.
const seenByPoller = new Map<number, number>();
const poller = setInterval(() => {
  const at = performance.now();
  let lines: number;
  try {
    lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).length;
  } catch {
    return; // no event yet
  }
  for (let n = 1; n <= lines; n += 1) if (!seenByPoller.has(n)) seenByPoller.set(n, at);
}, POLL_MS);

const wake: number[] = [];
const reported: number[] = [];
const both: number[] = [];
const polled: number[] = [];
for (let i = 0; i < TRIALS; i += 1) {
  // The wait's own return time: the wake does not wait for the worker's answer.
  const waiting = (
    codex.callTool({
      name: "handoff.wait_for_event",
      arguments: { work_package_id: seeded.packageId, after_event_count: i, timeout_seconds: 30 },
    }) as Promise<CallToolResult>
  ).then((result) => ({ result, at: performance.now() }));
  // A random phase against the poller's clock, as real events arrive.
  await new Promise((r) => setTimeout(r, 20 + Math.random() * POLL_MS));
  const t0 = performance.now();
  await worker.callTool({
    name: "handoff.report_worker_event",
    arguments: { work_package_id: seeded.packageId, event_type: "WORKER_BLOCKED", message: `trial ${i}` },
  });
  const tReported = performance.now();
  const { result, at } = await waiting;
  if (resultValue<{ status?: string }>(result).status !== "event")
    throw new Error("wait did not see the event");
  wake.push(at - t0);
  reported.push(tReported - t0);
  both.push(Math.max(at, tReported) - t0);
  // Let the poller catch up with this event before the next trial.
  while (!seenByPoller.has(i + 1)) await new Promise((r) => setTimeout(r, 25));
  polled.push(seenByPoller.get(i + 1)! - t0);
}
clearInterval(poller);
await Promise.all([codex.close(), worker.close()]);
fs.rmSync(dataDir, { recursive: true, force: true });
fs.rmSync(repo, { recursive: true, force: true });
console.log(
  `handoff over MCP, ${TRIALS} trials (worker report call starts → controller wait returns, separate server processes)`,
);
console.log(
  `  event-driven wake: median ${fmt(median(wake))}, p99 ${fmt(percentile(wake, 99))}  (target median < 20 ms)`,
);
console.log(`  worker's report call returns: median ${fmt(median(reported))}`);
console.log(`  both calls returned: median ${fmt(median(both))}`);
console.log(`  500 ms poller:     median ${fmt(median(polled))}, p99 ${fmt(percentile(polled, 99))}`);
console.log(`  ratio (poll / wake, medians): ${(median(polled) / median(wake)).toFixed(0)}x`);
