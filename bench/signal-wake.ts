/**
 * Cross-process notify → wake latency of src/signal on this platform, with 1 and 8 waiter
 * processes, plus a polling baseline (re-reading a file every 500 ms) in the same run.
 * Latency = waiter's clock when wait() resolves − notifier's clock just before notify().
 *
 *   node dist/bench/signal-wake.js [--trials N] [--poll-trials N]
 *   scripts/windows-bench.sh       (the same under a Windows node.exe in Wine)
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { openNamedSignal } from "../src/signal/named-signal.js";

type Msg = Record<string, unknown>;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const TRIALS_1 = arg("--trials", 300);
const TRIALS_8 = Math.max(20, Math.round(TRIALS_1 / 3));
const POLL_TRIALS = arg("--poll-trials", 20);
const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "signal-wake-child.js");

class Proc {
  private readonly inbox: Msg[] = [];
  private wake: (() => void) | undefined;
  constructor(readonly cp: ChildProcess) {
    cp.on("message", (m) => {
      this.inbox.push(m as Msg);
      this.wake?.();
    });
  }
  async next(pred: (m: Msg) => boolean): Promise<Msg> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Msg;
      if (Date.now() > deadline) throw new Error(`child ${this.cp.pid}: timed out`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 1_000);
      });
    }
  }
}

function spawn(args: string[], log: number): Proc {
  // Output to a file: a Windows node.exe under Wine crashes when writing to a pipe.
  return new Proc(fork(childScript, args, { stdio: ["ignore", log, log, "ipc"] }));
}

interface Stats {
  n: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
}

function stats(samplesUs: number[]): Stats {
  const s = [...samplesUs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? NaN;
  return { n: s.length, median: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1] ?? NaN };
}

const us = (from: bigint, to: bigint): number => Number(to - from) / 1_000;

async function benchSignal(dataDir: string, log: number, waiters: number, trials: number) {
  const channel = `bench-${waiters}`;
  const procs = Array.from({ length: waiters }, () => spawn(["waiter", dataDir, channel], log));
  await Promise.all(procs.map((p) => p.next((m) => m.up === true)));
  const signal = openNamedSignal(dataDir);
  const latencies: number[] = [];
  const notifyCost: number[] = [];
  let notWoken = 0;
  for (let k = 1; k <= trials; k += 1) {
    for (const p of procs) p.cp.send({ arm: k });
    await Promise.all(procs.map((p) => p.next((m) => m.armed === k)));
    await sleep(2); // let each waiter's wait settle into its steady state
    const t0 = process.hrtime.bigint();
    signal.notify(channel);
    notifyCost.push(us(t0, process.hrtime.bigint()));
    for (const r of await Promise.all(procs.map((p) => p.next((m) => m.k === k)))) {
      if (r.outcome === "signaled") latencies.push(us(t0, BigInt(String(r.at))));
      else notWoken += 1;
    }
  }
  for (const p of procs) p.cp.send({ stop: true });
  await Promise.all(procs.map((p) => new Promise((resolve) => p.cp.once("exit", resolve))));
  return { latency: stats(latencies), notify: stats(notifyCost), notWoken };
}

async function benchPolling(dataDir: string, log: number, trials: number) {
  const file = path.join(dataDir, "poll-seq");
  const poller = spawn(["poller", file], log);
  await poller.next((m) => m.up === true);
  const latencies: number[] = [];
  for (let k = 1; k <= trials; k += 1) {
    await sleep(Math.random() * 500); // commits land at random phases of the poll interval
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, String(k));
    const t0 = process.hrtime.bigint();
    fs.renameSync(tmp, file);
    const r = await poller.next((m) => m.k === k);
    latencies.push(us(t0, BigInt(String(r.at))));
  }
  poller.cp.send({ stop: true });
  return stats(latencies);
}

function row(label: string, trials: string, lost: string, st: Stats, notify?: Stats): string {
  const f = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(0)} ms` : `${x.toFixed(0)} µs`);
  const cells = [
    label,
    trials,
    lost,
    f(st.median),
    f(st.p90),
    f(st.p99),
    f(st.max),
    notify ? f(notify.median) : "-",
  ];
  return `| ${cells.join(" | ")} |`;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-signal-"));
  const log = fs.openSync(path.join(dataDir, "children.log"), "a");
  const backend = process.platform === "win32" ? "named events (koffi)" : "FIFO";
  try {
    const one = await benchSignal(dataDir, log, 1, TRIALS_1);
    const eight = await benchSignal(dataDir, log, 8, TRIALS_8);
    const poll = await benchPolling(dataDir, log, POLL_TRIALS);
    console.log(
      `signal-wake: ${process.platform}/${process.arch}, node ${process.version}, ${os.availableParallelism()} cores`,
    );
    console.log("| scenario | trials | not woken | median | p90 | p99 | max | notify() median |");
    console.log("|---|---|---|---|---|---|---|---|");
    console.log(row(`${backend}, 1 waiter`, String(TRIALS_1), String(one.notWoken), one.latency, one.notify));
    console.log(
      row(`${backend}, 8 waiters`, `${TRIALS_8}×8`, String(eight.notWoken), eight.latency, eight.notify),
    );
    console.log(row("polling a file every 500 ms", String(POLL_TRIALS), "0", poll));
    const target = one.latency.median < 1_000 && one.latency.p99 < 5_000;
    console.log(`target (1 waiter: median < 1 ms, p99 < 5 ms): ${target ? "met" : "NOT met"}`);
    console.log(JSON.stringify({ platform: process.platform, one, eight, poll }));
  } finally {
    fs.closeSync(log);
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 10 });
  }
}

await main();
