/** Parent-side helpers for the signal tests: fork compiled child scripts and talk over IPC. */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type Msg = Record<string, unknown>;

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The compiled child script: a sibling when this module itself runs compiled (the Wine suite),
 * else under dist/ (vitest runs the TS source after `npm run build`, which npm test does first).
 */
export function childScript(name = "signal-child.js"): string {
  for (const file of [path.join(here, name), path.join(here, "../../dist/test/helpers", name)]) {
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`${name} is missing from dist/test/helpers: run npm run build first`);
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

/**
 * `output` receives the child's stdout/stderr: inherited by default; a file descriptor under Wine,
 * where a Windows node.exe writing to a pipe crashes.
 */
export function spawnChild(
  args: string[],
  script = childScript(),
  output: "inherit" | number = "inherit",
): Child {
  return new Child(fork(script, args, { stdio: ["ignore", output, output, "ipc"] }));
}

export function registryEntries(dataDir: string, channel: string): string[] {
  try {
    return fs.readdirSync(path.join(dataDir, "signals", channel)).filter((n) => !n.startsWith("."));
  } catch {
    return [];
  }
}
