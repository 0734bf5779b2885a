/**
 * Operating-system and SQLite failures as plain sentences: what could not be done, on which
 * path, why, and what to do. The raw Node or SQLite message never reaches the client (it is
 * logged); the path does, because the caller needs it to act.
 */

interface OsCause {
  cause: string;
  action: string;
}

const OS_CAUSES: Record<string, OsCause> = {
  ENOENT: { cause: "it does not exist", action: "Check the path." },
  ENOTDIR: { cause: "a part of the path is not a directory", action: "Check the path." },
  EISDIR: { cause: "it is a directory", action: "Name a file." },
  EACCES: { cause: "permission denied", action: "Give this server's OS user access to it." },
  EPERM: { cause: "the operation is not permitted", action: "Give this server's OS user access to it." },
  ENOSPC: { cause: "the disk is full", action: "Free space on that disk and retry." },
  EDQUOT: { cause: "the disk quota is exhausted", action: "Free space or raise the quota and retry." },
  EROFS: { cause: "the file system is read-only", action: "Use a writable location." },
  EBUSY: { cause: "it is busy or locked by another process", action: "Retry when it is released." },
  ENAMETOOLONG: { cause: "the path is too long", action: "Use a shorter path." },
  EMFILE: { cause: "this process has too many open files", action: "Retry later." },
  ENFILE: { cause: "the system has too many open files", action: "Retry later." },
  EIO: { cause: "the disk reported an I/O error", action: "Check the disk." },
  ELOOP: { cause: "it has too many levels of symbolic links", action: "Check the path's links." },
};

const SQLITE_CAUSES: [RegExp, OsCause][] = [
  [/^SQLITE_FULL/, { cause: "the disk is full", action: "Free space on that disk and retry." }],
  [/^SQLITE_IOERR/, { cause: "the disk reported an I/O error", action: "Check the disk and retry." }],
  [/^SQLITE_READONLY/, { cause: "it is read-only", action: "Give this server write access to it." }],
  [
    /^SQLITE_CANTOPEN/,
    { cause: "it cannot be opened", action: "Check the data directory and its permissions." },
  ],
  [
    /^SQLITE_CORRUPT|^SQLITE_NOTADB/,
    { cause: "the file is damaged", action: "Restore the ledger from a backup." },
  ],
];

function field(error: unknown, name: string): string | undefined {
  const value = (error as Record<string, unknown> | null)?.[name];
  return typeof value === "string" ? value : undefined;
}

/** Control characters (a NUL first of all) shown escaped, so the sentence stays one plain line. */
function shown(path: string): string {
  return JSON.stringify(path);
}

/**
 * The sentence for an OS or SQLite error, or null when `error` is neither. `ledgerPath` names
 * the ledger file for SQLite errors (they carry no path of their own).
 */
export function osErrorMessage(error: unknown, ledgerPath: string): string | null {
  const code = field(error, "code");
  if (code === undefined) return null;
  if (code === "ERR_INVALID_ARG_VALUE" && /null bytes/.test(field(error, "message") ?? "")) {
    const received = /Received (.*)$/s.exec(field(error, "message") ?? "")?.[1] ?? "a path";
    return `A path contains a NUL byte and cannot be used: ${received}. Remove the NUL byte.`;
  }
  const sqlite = SQLITE_CAUSES.find(([pattern]) => pattern.test(code))?.[1];
  if (sqlite)
    return `The ledger ${shown(ledgerPath)} cannot be used: ${sqlite.cause} (${code}). ${sqlite.action}`;
  const os = OS_CAUSES[code];
  if (!os) return null;
  const path = field(error, "path");
  const syscall = field(error, "syscall");
  const what = path === undefined ? "A file operation failed" : `Cannot ${syscall ?? "use"} ${shown(path)}`;
  return `${what}: ${os.cause} (${code}). ${os.action}`;
}
