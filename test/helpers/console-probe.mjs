// A child for the Windows suite: reports whether it has a console, its argv, cwd, parent and
// environment names to the JSON file named by GRACE_PROBE_OUT, then optionally starts a
// grandchild (GRACE_PROBE_GRANDCHILD=1), says GRACE_PROBE_SAY on stdout, and stays alive until
// killed (GRACE_PROBE_STAY=1). As a stand-in Mimo it also
// reports, read at its very start, what the ledger (GRACE_PROBE_LEDGER, a file) holds for its
// session (GRACE_PROBE_SESSION): whether it was recorded before it ran.
import { spawn } from "node:child_process";
import { setInterval } from "node:timers";
import fs from "node:fs";
import Database from "better-sqlite3";
import { loadKernel32Process } from "../../dist/native-bindings/kernel32-process.js";

function sessionInLedger(file, id) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare("SELECT lifecycle_state, pid, process_started_at_os FROM mimo_sessions WHERE id = ?")
      .get(Number(id));
  } finally {
    db.close();
  }
}

const session = process.env.GRACE_PROBE_LEDGER
  ? sessionInLedger(process.env.GRACE_PROBE_LEDGER, process.env.GRACE_PROBE_SESSION)
  : null;
const out = process.env.GRACE_PROBE_OUT;
const k32 = loadKernel32Process();
const report = {
  pid: process.pid,
  ppid: process.ppid,
  session,
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
if (process.env.GRACE_PROBE_SAY) process.stdout.write(`${process.env.GRACE_PROBE_SAY}\n`);
fs.writeFileSync(`${out}.tmp`, JSON.stringify(report));
fs.renameSync(`${out}.tmp`, out);
if (process.env.GRACE_PROBE_STAY === "1") setInterval(() => {}, 1000);
