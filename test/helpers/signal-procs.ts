/** Parent-side helpers for the signal tests: fork compiled child scripts and talk over IPC. */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type Msg = Record<string, unknown>;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const built = (p: string): string => path.join(repoRoot, "dist", p);

/** The compiled child script; tests run after `npm run build` (npm test does it). */
export function childScript(rel = "test/helpers/signal-child.js"): string {
  const file = built(rel);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return file;
}

export class Child {
  private readonly queue: Msg[] = [];
  private readonly waiters: Array<() => void> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly proc: ChildProcess) {
    proc.on("message", (m) => {
      const msg = m as Msg;
      if (typeof msg.error === "string") process.stderr.write(`child ${proc.pid}: ${msg.error}\n`);
      this.queue.push(msg);
      for (const w of this.waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  }

  /** Next message matching `pred`, or an error after `ms`. */
  async next(pred: (m: Msg) => boolean = () => true, ms = 10_000): Promise<Msg> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.queue.findIndex(pred);
      if (i >= 0) return this.queue.splice(i, 1)[0] as Msg;
      const err = this.queue.find((m) => typeof m.error === "string");
      if (err) throw new Error(`child ${this.proc.pid} failed: ${String(err.error)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`child ${this.proc.pid}: no matching message within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  send(msg: Msg): void {
    this.proc.send(msg);
  }

  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
  }
}

export function spawnChild(args: string[], script = childScript()): Child {
  return new Child(fork(script, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
}

export function registryEntries(dataDir: string, channel: string): string[] {
  try {
    return fs.readdirSync(path.join(dataDir, "signals", channel)).filter((n) => !n.startsWith("."));
  } catch {
    return [];
  }
}
