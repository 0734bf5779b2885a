#!/usr/bin/env node
// A stand-in for the Mimo CLI: records how it was launched, then stays alive until told to exit.
// FAKE_MIMO_RECORD_DIR  write <dir>/mimo-<pid>.json: argv (after the executable), cwd, GRACE_* env
// FAKE_MIMO_EXIT_CODE   exit at once with this code after recording (headless tests)
// Otherwise it exits when <dir>/exit-<pid> or <dir>/exit-all appears (or after 10 minutes).
import fs from "node:fs";
import path from "node:path";
import { setInterval } from "node:timers";

const dir = process.env.FAKE_MIMO_RECORD_DIR;
const record = {
  argv: process.argv.slice(2),
  executable: process.argv[1],
  cwd: process.cwd(),
  pid: process.pid,
  // Only our own variables: the rest of the environment is noise and may hold secrets.
  env: Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("GRACE_"))),
};
if (dir) {
  const file = path.join(dir, `mimo-${process.pid}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

const code = process.env.FAKE_MIMO_EXIT_CODE;
if (code !== undefined) process.exit(Number(code));

const deadline = Date.now() + 10 * 60_000;
setInterval(() => {
  const told =
    dir &&
    (fs.existsSync(path.join(dir, `exit-${process.pid}`)) || fs.existsSync(path.join(dir, "exit-all")));
  if (told || Date.now() > deadline) process.exit(0);
}, 50);
