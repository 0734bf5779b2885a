import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { spawnExact } from "./spawn.js";

/**
 * The Mimo launch gate: a tiny Node process started through spawnExact (its own process group
 * on POSIX) in place of Mimo. The server records the gate's identity on the PREPARED session
 * before it sends the gate Mimo's argv; only then does the gate start Mimo (no shell, argv as
 * given, sharing the gate's output; a Windows TUI gets a console window of its own through
 * CreateProcessW instead), report Mimo's pid, and live exactly as long as Mimo, exiting with its
 * exit code. A server that dies before sending the
 * spec closes the channel and the gate exits without starting anything. So whatever moment the
 * server dies at, a Mimo that runs always has a recorded process standing for it: the gate's
 * identity until Mimo's own is recorded.
 *
 * The program is passed with `-e`, so it works from the TypeScript sources and from dist alike;
 * it is a constant, never built from data. Mimo gets its stdin from nowhere, as before, and the
 * gate's stdout/stderr (the session logs when headless).
 */
const GATE_PROGRAM = `
const { spawn } = require("node:child_process");
let started = false;
let sent = Promise.resolve();
const report = (value) => {
  sent = new Promise((done) => { try { process.send(value, () => done()); } catch { done(); } });
  return sent;
};
process.on("disconnect", () => { if (!started) process.exit(0); });
// A polite stop reaches Mimo too (one process group): outlive it so it is reaped, not left a zombie.
process.on("SIGTERM", () => { if (!started) process.exit(0); });
const fail = (e) => report({ ok: false, reason: String(e && (e.code || e.message)) }).then(() => process.exit(127));
// A Windows TUI: a console window of its own, in no job of its own (the gate's job, which stops
// a launch that went wrong, is never killed on close), waited on through its process handle.
const startInNewConsole = (spec) => import(spec.consoleModule).then((m) => {
  const mimo = m.launchInNewConsole({ argv: spec.argv, cwd: spec.cwd, env: spec.env, inJob: false, waitable: true });
  report({ ok: true, pid: mimo.pid, startTime: mimo.startTime });
  return mimo.exited.then((code) => sent.then(() => process.exit(code)));
}, fail);
process.once("message", (spec) => {
  if (!spec || !Array.isArray(spec.argv) || spec.argv.length === 0) process.exit(0);
  started = true;
  if (typeof spec.consoleModule === "string") return void startInNewConsole(spec).catch(fail);
  const child = spawn(spec.argv[0], spec.argv.slice(1), { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "inherit", "inherit"], windowsHide: false });
  child.on("spawn", () => report({ ok: true, pid: child.pid }));
  child.on("error", fail);
  child.on("exit", (code) => sent.then(() => process.exit(code === null ? 128 : code)));
});
`;

export interface MimoGateSpec {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Windows only: start Mimo in a console window of its own (a TUI needs one to draw on). */
  newConsole?: boolean;
}

/** `startTime`: for a new console, the creation time read from CreateProcessW's process handle. */
export type MimoGateReport =
  { ok: true; pid: number; startTime: string | null } | { ok: false; reason: string };

/** The compiled console launcher the gate imports for a new console (a sibling of this module). */
const CONSOLE_MODULE = new URL("../process/windows-console.js", import.meta.url).href;

export interface MimoGate {
  child: ChildProcess;
  pid: number;
  /** The gate's own argv, for its recorded identity. */
  argv: string[];
}

/** Starts a gate for one launch; `out`/`err` are the file descriptors Mimo will write to (headless), or ignored. */
export async function startMimoGate(
  req: { cwd: string; env: Readonly<Record<string, string>>; out?: number; err?: number },
  execPath: string = process.execPath,
): Promise<MimoGate> {
  const argv = [execPath, "-e", GATE_PROGRAM];
  const child = await spawnExact({
    argv,
    cwd: req.cwd,
    env: req.env,
    stdio: ["ignore", req.out ?? "ignore", req.err ?? "ignore", "ipc"],
  });
  child.on("error", () => {});
  return { child, pid: child.pid!, argv };
}

/** Ends a gate that was never released: it starts nothing. */
export function abortMimoGate(gate: MimoGate): void {
  if (gate.child.connected) gate.child.disconnect();
  gate.child.unref();
}

/** Sends Mimo's spec and waits for the gate's report (or its death, or `timeoutMs`). */
export function releaseMimoGate(
  gate: MimoGate,
  spec: MimoGateSpec,
  timeoutMs = 30_000,
): Promise<MimoGateReport> {
  const program = spec.argv[0] ?? "";
  // A bare name would be searched (by CreateProcessW in the worktree, the gate's cwd, first).
  if (!path.isAbsolute(program)) {
    return Promise.resolve({ ok: false, reason: `Mimo executable must be an absolute path: ${program}` });
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (report: MimoGateReport) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      gate.child.off("message", onMessage);
      gate.child.off("exit", onExit);
      resolve(report);
    };
    const onMessage = (value: unknown) => {
      const v = value as { ok?: unknown; pid?: unknown; startTime?: unknown; reason?: unknown } | null;
      const startTime = typeof v?.startTime === "string" ? v.startTime : null;
      if (v?.ok === true && typeof v.pid === "number") finish({ ok: true, pid: v.pid, startTime });
      else finish({ ok: false, reason: `Mimo executable could not be started (${String(v?.reason)})` });
    };
    // 'exit' can come before the last message is read (a Mimo that exits at once takes the gate
    // with it): judge only once the channel has closed, or a started Mimo would look failed.
    const onExit = (code: number | null) => {
      const failed = () =>
        finish({ ok: false, reason: `Mimo launch gate exited (${code}) before starting Mimo` });
      if (!gate.child.connected) return failed();
      gate.child.once("disconnect", failed);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: `Mimo launch gate did not report within ${timeoutMs} ms` }),
      timeoutMs,
    );
    gate.child.on("message", onMessage);
    gate.child.once("exit", onExit);
    const consoleModule = spec.newConsole ? CONSOLE_MODULE : undefined;
    gate.child.send({ argv: [...spec.argv], cwd: spec.cwd, env: { ...spec.env }, consoleModule });
  });
}

/** After Mimo's identity is recorded: the gate goes its own way, holding nothing of this process. */
export function detachMimoGate(gate: MimoGate): void {
  if (gate.child.connected) gate.child.disconnect();
  gate.child.unref();
}
