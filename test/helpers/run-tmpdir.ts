import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * vitest's global set-up: every temp file of one test run (the tests' own, and those of the
 * servers, git and children they start, which inherit TMPDIR) goes under one folder that is
 * removed when the run ends, so runs leave nothing behind in the machine's temp dir. The folder is
 * world-traversable (0755) because some tests run children as an unprivileged user.
 */
export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "grace-test-run-"));
  fs.chmodSync(root, 0o755);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
