// Shared by the Windows-path suite (node:test under Wine). Reuses the compiled vitest harness:
// the same child script and IPC helpers, so POSIX and Windows run the very same scenarios.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnChild } from "../../dist/test/helpers/signal-procs.js";

export { registryEntries } from "../../dist/test/helpers/signal-procs.js";
export { openNamedSignal } from "../../dist/src/signal/named-signal.js";

// Under Wine a Windows node.exe crashes when its stdout/stderr is a pipe: children write to a file.
const logDir = path.resolve(".ci-out", "windows", "logs");
fs.mkdirSync(logDir, { recursive: true });

export function tempDataDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `grace-win-${prefix}-`));
}

export function childLog(name) {
  return fs.openSync(path.join(logDir, `${name}-${process.pid}.log`), "a");
}

/** Forks dist/test/helpers/signal-child.js with its output in a log file; kills leftovers on cleanup. */
export function makeSpawner(t, logName) {
  const children = [];
  const log = childLog(logName);
  t.after(() => {
    for (const c of children) c.kill();
    fs.closeSync(log);
  });
  return (args) => {
    const c = spawnChild(args, undefined, log);
    children.push(c);
    return c;
  };
}

export function rmrf(dir) {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10 });
}
