#!/usr/bin/env node
// A stand-in for the Codex CLI: records how it was launched, then exits.
// FAKE_CONTROLLER_RECORD      write the record to this JSON file (overwritten)
// FAKE_CONTROLLER_RECORD_DIR  or: write one uniquely named JSON file per launch into this dir
// FAKE_CONTROLLER_SLEEP_MS    stay alive this long after recording (liveness tests)
// FAKE_CONTROLLER_EXIT_CODE   exit with this code (default 0)
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";

const record = {
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  pid: process.pid,
  startedAt: new Date().toISOString(),
  // Only our own variables: the rest of the environment is noise and may hold secrets.
  env: Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("GRACE_"))),
};

function writeAtomically(file, text) {
  // tmp + rename so a reader never sees half a record, even with many launches at once.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

const text = `${JSON.stringify(record, null, 2)}\n`;
if (process.env.FAKE_CONTROLLER_RECORD) writeAtomically(process.env.FAKE_CONTROLLER_RECORD, text);
if (process.env.FAKE_CONTROLLER_RECORD_DIR) {
  const name = `launch-${Date.now()}-${process.pid}-${crypto.randomBytes(4).toString("hex")}.json`;
  writeAtomically(path.join(process.env.FAKE_CONTROLLER_RECORD_DIR, name), text);
}

const exitCode = Number(process.env.FAKE_CONTROLLER_EXIT_CODE ?? "0");
const sleepMs = Number(process.env.FAKE_CONTROLLER_SLEEP_MS ?? "0");
setTimeout(
  () => process.exit(Number.isInteger(exitCode) ? exitCode : 1),
  Number.isFinite(sleepMs) ? sleepMs : 0,
);
