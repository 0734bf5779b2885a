// A helper for the Windows suite, started in a console of its own (CREATE_NEW_CONSOLE): it starts
// the host continuation supervisor on that same console (a plain spawn inherits it), waits until
// the supervisor is idle, then presses Ctrl-Break or Ctrl-C there with GenerateConsoleCtrlEvent
// (process group 0: every process on this console, itself included, so it ignores both events).
// Writes what happened to the JSON file GRACE_CTRL_OUT.
// env: GRACE_CTRL_OUT, GRACE_CTRL_EVENT ("break" | "c"), GRACE_CTRL_CLI (the supervisor's script),
// GRACE_CTRL_DATA_DIR, GRACE_CTRL_LOG (the supervisor's log file).
import { spawn } from "node:child_process";
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import {
  CTRL_BREAK_EVENT,
  CTRL_C_EVENT,
  loadKernel32Process,
} from "../../dist/native-bindings/kernel32-process.js";

const env = process.env;
const out = env.GRACE_CTRL_OUT;
const report = { consoleCP: 0, supervisorPid: null, sent: null, code: null, ms: null };
const write = () => {
  fs.writeFileSync(`${out}.tmp`, JSON.stringify(report));
  fs.renameSync(`${out}.tmp`, out);
};
process.on("SIGBREAK", () => {});
process.on("SIGINT", () => {});

const k32 = loadKernel32Process();
report.consoleCP = k32.GetConsoleCP();
const log = fs.openSync(env.GRACE_CTRL_LOG, "w");
const child = spawn(
  process.execPath,
  [env.GRACE_CTRL_CLI, "--data-dir", env.GRACE_CTRL_DATA_DIR, "--poll-interval-seconds", "30"],
  { stdio: ["ignore", log, log], env: { ...env, GRACE_ORCHESTRATOR_DATA_DIR: env.GRACE_CTRL_DATA_DIR } },
);
report.supervisorPid = child.pid;
const exited = new Promise((resolve) =>
  child.once("exit", (code) => resolve({ code, at: performance.now() })),
);
const started = () => fs.readFileSync(env.GRACE_CTRL_LOG, "utf8").includes("supervisor started");
for (let i = 0; i < 400 && !started(); i += 1) await new Promise((r) => setTimeout(r, 50));
// Measured from idle (the first scan done), as the stop-event test does.
await new Promise((r) => setTimeout(r, 2_000));
const sentAt = performance.now();
report.sent = k32.GenerateConsoleCtrlEvent(env.GRACE_CTRL_EVENT === "c" ? CTRL_C_EVENT : CTRL_BREAK_EVENT, 0);
// A refused event reaches nobody: no need to wait for an exit then.
const waitMs = report.sent ? 10_000 : 0;
const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), waitMs))]);
if (result !== null) {
  report.code = result.code;
  report.ms = Math.round(result.at - sentAt);
} else {
  child.kill();
}
write();
process.exit(0);
