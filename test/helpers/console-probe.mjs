// A child for the Windows suite: reports whether it has a console, its argv, cwd and
// environment names to the JSON file named by GRACE_PROBE_OUT, then optionally starts a
// grandchild (GRACE_PROBE_GRANDCHILD=1) and stays alive until killed.
import { spawn } from "node:child_process";
import { setInterval } from "node:timers";
import fs from "node:fs";
import { loadKernel32Process } from "../../dist/native-bindings/kernel32-process.js";

const out = process.env.GRACE_PROBE_OUT;
const k32 = loadKernel32Process();
const report = {
  pid: process.pid,
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  envNames: Object.keys(process.env).sort(),
  consoleWindow: String(k32.GetConsoleWindow() ?? 0),
  consoleCP: k32.GetConsoleCP(),
  grandchild: null,
};
if (process.env.GRACE_PROBE_GRANDCHILD === "1") {
  const g = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  await new Promise((r) => g.once("spawn", r));
  report.grandchild = g.pid;
}
fs.writeFileSync(`${out}.tmp`, JSON.stringify(report));
fs.renameSync(`${out}.tmp`, out);
if (process.env.GRACE_PROBE_STAY === "1") setInterval(() => {}, 1000);
