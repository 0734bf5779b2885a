import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { osErrorMessage } from "../../src/domain/os-errors.js";

const LEDGER = "/data/ledger.sqlite3";

/** Runs `f` and returns what it throws (real Node errors wherever this machine can produce them). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** Node's shape for errors this machine cannot produce on demand (root bypasses EACCES, etc.). */
function nodeError(code: string, syscall: string, file: string): Error {
  return Object.assign(new Error(`${code}: raw node text, ${syscall} '${file}'`), {
    code,
    syscall,
    path: file,
  });
}

function sqliteError(code: string): Error {
  return Object.assign(new Error("raw sqlite text"), { code });
}

const missing = path.join(os.tmpdir(), "grace-no-such-dir", "x");

describe("osErrorMessage", () => {
  const cases: [string, unknown, string | null][] = [
    [
      "ENOENT (real)",
      thrown(() => fs.readFileSync(missing)),
      `Cannot open ${JSON.stringify(missing)}: it does not exist (ENOENT). Check the path.`,
    ],
    [
      "EISDIR (real)",
      thrown(() => fs.readFileSync(os.tmpdir())),
      "A file operation failed: it is a directory (EISDIR). Name a file.",
    ],
    [
      "ENAMETOOLONG (real)",
      thrown(() => fs.statSync(`/tmp/${"n".repeat(300)}`)),
      `Cannot stat ${JSON.stringify(`/tmp/${"n".repeat(300)}`)}: the path is too long (ENAMETOOLONG). Use a shorter path.`,
    ],
    [
      "NUL byte (real)",
      thrown(() => fs.statSync("/tmp/a\0b")),
      "A path contains a NUL byte and cannot be used: '/tmp/a\\x00b'. Remove the NUL byte.",
    ],
    [
      "EACCES",
      nodeError("EACCES", "open", "/srv/x"),
      `Cannot open "/srv/x": permission denied (EACCES). Give this server's OS user access to it.`,
    ],
    [
      "EPERM",
      nodeError("EPERM", "unlink", "/srv/x"),
      `Cannot unlink "/srv/x": the operation is not permitted (EPERM). Give this server's OS user access to it.`,
    ],
    [
      "ENOSPC",
      nodeError("ENOSPC", "write", "/d/r.md"),
      `Cannot write "/d/r.md": the disk is full (ENOSPC). Free space on that disk and retry.`,
    ],
    [
      "EROFS",
      nodeError("EROFS", "open", "/ro/x"),
      `Cannot open "/ro/x": the file system is read-only (EROFS). Use a writable location.`,
    ],
    [
      "EBUSY",
      nodeError("EBUSY", "rmdir", "C:\\w"),
      `Cannot rmdir "C:\\\\w": it is busy or locked by another process (EBUSY). Retry when it is released.`,
    ],
    [
      "SQLITE_FULL",
      sqliteError("SQLITE_FULL"),
      `The ledger "${LEDGER}" cannot be used: the disk is full (SQLITE_FULL). Free space on that disk and retry.`,
    ],
    [
      "SQLITE_IOERR_WRITE",
      sqliteError("SQLITE_IOERR_WRITE"),
      `The ledger "${LEDGER}" cannot be used: the disk reported an I/O error (SQLITE_IOERR_WRITE). Check the disk and retry.`,
    ],
    [
      "a path with control characters is shown escaped",
      nodeError("ENOENT", "open", "/x/\u001b[2J"),
      `Cannot open "/x/\\u001b[2J": it does not exist (ENOENT). Check the path.`,
    ],
    ["a programming error is not an OS error", new TypeError("x is undefined"), null],
    ["an unknown code is not mapped", nodeError("EWHATEVER", "open", "/x"), null],
  ];
  it.each(cases)("%s", (_name, error, expected) => {
    expect(osErrorMessage(error, LEDGER)).toBe(expected);
  });
});
