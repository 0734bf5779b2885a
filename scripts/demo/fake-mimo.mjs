#!/usr/bin/env node
// A stand-in for the Mimo CLI: records how it was launched, then stays alive until told to exit.
// Settings come from the environment or, like the real Mimo's own configuration, from
// $XDG_CONFIG_HOME/fake-mimo/config.json ({ "record_dir": ..., "exit_code": ... }): the server
// passes only an allowlisted environment, so a test's own variables may not reach us.
// FAKE_MIMO_RECORD_DIR  write <dir>/mimo-<pid>.json: argv (after the executable), cwd, GRACE_* env,
//                       the names of all variables, and PATH / HOME
// FAKE_MIMO_EXIT_CODE   exit at once with this code after recording (headless tests)
// Otherwise it exits when <dir>/exit-<pid> or <dir>/exit-all appears (or after 10 minutes).
import fs from "node:fs";
import path from "node:path";
import { setInterval } from "node:timers";

function fileConfig() {
  const base = process.env.XDG_CONFIG_HOME;
  if (!base) return {};
  try {
    return JSON.parse(fs.readFileSync(path.join(base, "fake-mimo", "config.json"), "utf8"));
  } catch {
    return {};
  }
}

const config = fileConfig();
const dir = process.env.FAKE_MIMO_RECORD_DIR ?? config.record_dir;
const record = {
  argv: process.argv.slice(2),
  executable: process.argv[1],
  cwd: process.cwd(),
  pid: process.pid,
  // Values only of our own variables and PATH/HOME: the rest may hold secrets, so only names.
  env: Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("GRACE_"))),
  env_keys: Object.keys(process.env).sort(),
  path_env: process.env.PATH ?? null,
  home: process.env.HOME ?? null,
};
if (dir) {
  const file = path.join(dir, `mimo-${process.pid}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

const code = process.env.FAKE_MIMO_EXIT_CODE ?? config.exit_code;
if (code !== undefined) process.exit(Number(code));

const deadline = Date.now() + 10 * 60_000;
setInterval(() => {
  const told =
    dir &&
    (fs.existsSync(path.join(dir, `exit-${process.pid}`)) || fs.existsSync(path.join(dir, "exit-all")));
  if (told || Date.now() > deadline) process.exit(0);
}, 50);
