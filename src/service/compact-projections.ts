import { createHash } from "node:crypto";

/**
 * Compact projections of the three big things a workflow produces (test logs, diffs, worker
 * reports), so an answer that carries one stays small whatever its size. Pure functions.
 */

export const LOG_HEAD_LINES = 20;
export const LOG_TAIL_LINES = 30;
/** Middle lines that look like a failure are kept, up to this many. */
export const LOG_DIAGNOSTIC_LINES = 50;
const DIAGNOSTIC = /traceback|caused by|error|failed|panic|exception|assert/i;

export interface ArtifactRef {
  ref: string;
  sha256: string;
}

/** A short order-independent fingerprint of a set of findings: equal sets give equal fingerprints. */
export function rejectionFingerprint(findings: readonly string[]): string {
  const lines = findings.map((f) => f.trim()).filter((f) => f !== "");
  if (lines.length === 0) return "";
  return createHash("sha256").update(lines.sort().join("\n")).digest("hex").slice(0, 16);
}

/**
 * A log of at most head + tail lines is returned unchanged; a longer one keeps its first 20 and
 * last 30 lines, says how many were omitted, and keeps up to 50 omitted lines that look like a
 * failure (error, failed, exception, traceback, panic, assert, caused by).
 */
export function projectLog(log: string, full?: ArtifactRef): string {
  const lines = log.split("\n");
  const total = lines.length;
  if (total <= LOG_HEAD_LINES + LOG_TAIL_LINES) return log;
  const middle = lines.slice(LOG_HEAD_LINES, total - LOG_TAIL_LINES);
  const diagnostics = middle.filter((l) => DIAGNOSTIC.test(l)).slice(0, LOG_DIAGNOSTIC_LINES);
  const out = [
    `--- BEGIN OUTPUT: first ${LOG_HEAD_LINES} of ${total} lines ---`,
    ...lines.slice(0, LOG_HEAD_LINES),
    `--- OMITTED ${middle.length} LINES ---`,
  ];
  if (diagnostics.length > 0) {
    out.push(`--- EXTRACTED DIAGNOSTICS (${diagnostics.length} matched lines) ---`, ...diagnostics);
  }
  out.push(`--- END OUTPUT: last ${LOG_TAIL_LINES} lines ---`, ...lines.slice(total - LOG_TAIL_LINES));
  if (full) out.push(`FULL LOG ARTIFACT: ${full.ref} (SHA-256: ${full.sha256})`);
  return out.join("\n");
}

export interface DiffStats {
  added: number;
  deleted: number;
  hunks: number;
}

/**
 * Added and deleted lines and hunks of a unified git diff. Only lines inside a hunk are content,
 * so an added line that starts with `++` (shown as `+++`) counts and a file header never does;
 * `diff --git` and `@@` always start a line of git's own, since content lines start with ` `, `+`,
 * `-` or `\`.
 */
export function diffStats(diff: string): DiffStats {
  const stats: DiffStats = { added: 0, deleted: 0, hunks: 0 };
  let inHunk = false;
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git ")) inHunk = false;
    else if (line.startsWith("@@")) {
      stats.hunks += 1;
      inHunk = true;
    } else if (inHunk && line.startsWith("+")) stats.added += 1;
    else if (inHunk && line.startsWith("-")) stats.deleted += 1;
  }
  return stats;
}

/**
 * A few lines in place of a diff: the files it changes and its size in lines and hunks. The files
 * are git's own list (`files`), never read back from the diff's headers, where git quotes unusual
 * names and a name holding ` b/` cannot be told from the header's second path.
 */
export function projectDiff(diff: string, files: readonly string[], full?: ArtifactRef): string {
  const s = diffStats(diff);
  const out = [
    "--- COMPACT DIFF SUMMARY ---",
    `Files Changed (${files.length}): ${files.join(", ")}`,
    `Stats: +${s.added} / -${s.deleted} lines across ${s.hunks} hunks.`,
  ];
  if (full) out.push(`FULL DIFF ARTIFACT: ${full.ref} (SHA-256: ${full.sha256})`);
  return out.join("\n");
}

/** The report field that lists commands with their output, in the spaced and the snake-case spelling. */
const COMMAND_KEYS = ["commands run with exact results", "commands_run_with_exact_results"];

function projectCommand(command: unknown): unknown {
  if (command === null || typeof command !== "object" || Array.isArray(command)) return command;
  const record = command as Record<string, unknown>;
  const text = typeof record["stdout"] === "string" ? record["stdout"] : record["output"];
  if (typeof text !== "string" || text.split("\n").length <= LOG_HEAD_LINES + LOG_TAIL_LINES) return command;
  const { stdout: _replaced, ...rest } = record;
  return { ...rest, output: projectLog(text) };
}

/**
 * A copy of a worker report whose long command outputs (under "commands run with exact results", either spelling)
 * are log projections (in `output`, replacing `stdout`); the report given is not changed.
 */
export function projectWorkerReport(report: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...report };
  for (const key of COMMAND_KEYS) {
    const commands = copy[key];
    if (Array.isArray(commands)) copy[key] = commands.map(projectCommand);
  }
  return copy;
}
