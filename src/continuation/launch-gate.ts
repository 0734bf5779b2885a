import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * The launch gate: a tiny Node process that holds a controller launch until the supervisor has
 * made the launch durable. The supervisor starts the gate, records the gate's identity as the
 * delivery's controller process (CONTROLLER_STARTED), and only then sends the launch spec; the
 * gate spawns the controller (no shell, argv as given), reports its pid, and lives exactly as
 * long as the controller, exiting with its exit code. If the supervisor dies before sending the
 * spec, the gate reads end-of-file and exits without launching anything. So a crash at any
 * moment can lose a launch (which lease recovery retries) but can never run one twice. A spec may
 * name the launch's pending mark (launch-pending.ts): the gate deletes it before it starts
 * anything, and launches nothing if it cannot.
 *
 * The gate exits only after its report is flushed (pipe writes are asynchronous on Windows): a
 * lost report of a controller that did start would look like a failed launch and be retried.
 * A report that does not come in time is NOT a failure: the gate may still launch (see launch.ts).
 *
 * The program is passed with `-e`, so it works from the TypeScript sources and from dist alike;
 * it is a constant, never built from data.
 */
const GATE_PROGRAM = `
const { spawn } = require("node:child_process");
let buf = "";
let done = false;
process.stdout.on("error", () => {});
process.stdin.setEncoding("utf8");
process.stdin.on("end", () => { if (!done) process.exit(0); });
process.stdin.on("error", () => { if (!done) process.exit(0); });
process.stdin.on("data", (chunk) => {
  if (done) return;
  buf += chunk;
  const nl = buf.indexOf("\\n");
  if (nl < 0) return;
  done = true;
  let spec = null;
  try { spec = JSON.parse(buf.slice(0, nl)); } catch {}
  if (!spec || !Array.isArray(spec.argv) || spec.argv.length === 0) process.exit(0);
  if (typeof spec.pending === "string") {
    try { require("node:fs").unlinkSync(spec.pending); } catch (e) {
      return fail("launch gate could not take its pending mark (lease recovery may have judged the launch lost): " + String(e && e.message));
    }
  }
  if (spec.consoleModule) return launchInConsole(spec);
  const child = spawn(spec.argv[0], spec.argv.slice(1), { cwd: spec.cwd, env: spec.env, stdio: "ignore", windowsHide: true });
  child.on("spawn", () => process.stdout.write(JSON.stringify({ ok: true, pid: child.pid }) + "\\n"));
  child.on("error", (e) => fail(String(e && e.message)));
  child.on("exit", (code) => process.stdout.write("", () => process.exit(code === null ? 1 : code)));
});
function fail(reason) {
  process.stdout.write(JSON.stringify({ ok: false, reason }) + "\\n", () => process.exit(127));
}
function launchInConsole(spec) {
  import(require("node:url").pathToFileURL(spec.consoleModule).href).then((m) => {
    let launched;
    try {
      launched = m.launchInNewConsole({ argv: spec.argv, cwd: spec.cwd, env: spec.env, inJob: false, waitable: true });
    } catch (e) {
      return fail(String(e && e.message));
    }
    process.stdout.write(JSON.stringify({ ok: true, pid: launched.pid }) + "\\n");
    launched.exited.then((code) => process.stdout.write("", () => process.exit(code)));
  }, (e) => fail(String(e && e.message)));
}
`;

/** What the gate loads to start a controller in a console window of its own (Windows). */
const CONSOLE_MODULE = fileURLToPath(new URL("../process/windows-console.js", import.meta.url));

export interface GateSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Windows: start the controller with CreateProcessW in a console window of its own. */
  console?: boolean;
  /** The launch's pending mark, which the gate deletes before it starts anything. */
  pending?: string;
}

/** `unconfirmed`: the gate has the spec but did not say what it did, so it may still launch. */
export type GateReport = { ok: true; pid: number } | { ok: false; reason: string; unconfirmed?: boolean };

export interface Gate {
  child: ChildProcess;
  pid: number;
  argv: string[];
}

/** Starts a gate (detached, so a supervisor killed with its process group does not take it along). */
export function startGate(execPath: string = process.execPath): Gate {
  const argv = [execPath, "-e", GATE_PROGRAM];
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ["pipe", "pipe", "ignore"],
    detached: true,
    windowsHide: true,
  });
  if (child.pid === undefined) {
    child.on("error", () => {});
    throw new Error("could not start the launch gate");
  }
  child.on("error", () => {});
  child.stdin.on("error", () => {});
  return { child, pid: child.pid, argv };
}

export function gateAlive(gate: Gate): boolean {
  return gate.child.exitCode === null && gate.child.signalCode === null && !gate.child.stdin!.destroyed;
}

/** Lets the gate go its own way: no handle of ours keeps this process alive for it. */
export function detachGate(gate: Gate): void {
  gate.child.stdout?.destroy();
  gate.child.stdin?.end();
  gate.child.unref();
}

/** Ends the gate without launching (end-of-file before a spec). */
export function abortGate(gate: Gate): void {
  detachGate(gate);
}

/** Sends the spec and waits for the gate's report (or its death, or `timeoutMs`). */
export function releaseGate(gate: Gate, spec: GateSpec, timeoutMs: number): Promise<GateReport> {
  return new Promise((resolve) => {
    let buf = "";
    let settled = false;
    const finish = (report: GateReport) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      gate.child.stdout?.off("data", onData);
      gate.child.off("exit", onExit);
      resolve(report);
    };
    const onData = (chunk: Buffer) => {
      buf += chunk.toString("utf8");
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      try {
        const value = JSON.parse(buf.slice(0, nl)) as GateReport;
        finish(
          value.ok === true && typeof value.pid === "number"
            ? value
            : { ok: false, reason: String((value as { reason?: unknown }).reason) },
        );
      } catch {
        finish({ ok: false, reason: "launch gate sent an unreadable report", unconfirmed: true });
      }
    };
    // 'exit' can arrive before the gate's last output has been read (a controller that exits at
    // once takes the gate with it). Judge only once stdout has ended, or a started controller
    // would look failed and be launched again.
    const onExit = (code: number | null) => {
      const failed = () =>
        finish({ ok: false, reason: `launch gate exited (${code}) before starting the controller` });
      const out = gate.child.stdout;
      if (!out || out.readableEnded || out.destroyed) return failed();
      out.once("end", failed);
      out.once("close", failed);
    };
    const timer = setTimeout(
      () =>
        finish({ ok: false, reason: `launch gate did not report within ${timeoutMs} ms`, unconfirmed: true }),
      timeoutMs,
    );
    gate.child.stdout!.on("data", onData);
    gate.child.once("exit", onExit);
    const { console: inConsole, ...rest } = spec;
    const wire = inConsole ? { ...rest, consoleModule: CONSOLE_MODULE } : rest;
    gate.child.stdin!.write(`${JSON.stringify(wire)}\n`);
  });
}

/** Waits up to `ms` for the gate (hence the controller) to exit: its code, or null if still running. */
export function waitForExit(gate: Gate, ms: number): Promise<number | null> {
  if (gate.child.exitCode !== null) return Promise.resolve(gate.child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      gate.child.off("exit", onExit);
      resolve(null);
    }, ms);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    };
    gate.child.once("exit", onExit);
  });
}

/**
 * Keeps one gate warm so a launch does not wait for Node to start: the gate's start-up is paid
 * before the worker event arrives. Used by the long-running supervisor, not by `--once`.
 */
export class GatePool {
  private warm: Gate | null = null;
  constructor(
    private readonly keepWarm: boolean,
    private readonly execPath: string = process.execPath,
  ) {
    if (keepWarm) this.refill();
  }

  take(): Gate {
    const gate = this.warm && gateAlive(this.warm) ? this.warm : startGate(this.execPath);
    this.warm = null;
    if (this.keepWarm) setImmediate(() => this.refill());
    return gate;
  }

  private refill(): void {
    if (this.warm && gateAlive(this.warm)) return;
    try {
      this.warm = startGate(this.execPath);
      // A warm gate must not keep the supervisor alive on its own.
      this.warm.child.unref();
      (this.warm.child.stdout as unknown as { unref?: () => void })?.unref?.();
      (this.warm.child.stdin as unknown as { unref?: () => void })?.unref?.();
    } catch {
      this.warm = null;
    }
  }

  close(): void {
    if (this.warm) abortGate(this.warm);
    this.warm = null;
  }
}
