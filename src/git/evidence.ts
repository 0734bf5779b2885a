import { createHash } from "node:crypto";
import { OrchestratorError } from "../domain/errors.js";
import { SUBMISSION_DIFF_MAX_BYTES } from "../domain/limits.js";
import { isAncestor, resolveCommit } from "./commits.js";
import { runGit } from "./runner.js";
import { changedLinks, SYMLINK_MODE, type ChangedLink } from "./symlinks.js";

export interface SubmissionEvidence {
  base_commit: string;
  head_commit: string;
  /** Repository-relative POSIX paths; a rename lists both the old and the new path. */
  changed_files: string[];
  /** The changed paths that exist at head (added or modified, not deleted). */
  written_files: string[];
  /** Changed paths that are symlinks at head, with their targets read from git and resolved on head's tree. */
  changed_links: ChangedLink[];
  /** The diff decoded as UTF-8 (lossy only for non-UTF-8 text content). */
  diff: string;
  /** The exact diff bytes `diff_sha256` was computed over. */
  diff_bytes: Buffer;
  diff_sha256: string;
}

/**
 * Options that make the output independent of user config: no external diff drivers or
 * textconv, no colour, fixed prefixes, and no rename pairing so the deleted side of a rename
 * is still a changed file for the scope check.
 */
const STABLE_DIFF = ["--no-ext-diff", "--no-textconv", "--no-color", "--no-renames"];

/** The new mode `git diff --raw` gives a deleted path. */
const DELETED_MODE = "000000";

/** `git diff --raw -z` records: `:<old mode> <new mode> <old blob> <new blob> <status>` NUL `<path>` NUL. */
function parseRaw(raw: Buffer): { path: string; mode: string; blob: string }[] {
  const fields = raw.toString("utf8").split("\0");
  const out: { path: string; mode: string; blob: string }[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, mode = "", , blob = ""] = (fields[i] ?? "").split(" ");
    out.push({ path: fields[i + 1] ?? "", mode, blob });
  }
  return out.filter((entry) => entry.path !== "");
}

/**
 * Derives submission evidence from git alone: both commits must exist,
 * base must be an ancestor of head; changed files, changed symlinks' targets, binary diff and
 * its sha256 come from git.
 */
export async function deriveEvidence(repo: string, base: string, head: string): Promise<SubmissionEvidence> {
  const baseCommit = await resolveCommit(repo, base);
  const headCommit = await resolveCommit(repo, head);
  if (!(await isAncestor(repo, baseCommit, headCommit))) {
    throw new OrchestratorError(`Head commit ${headCommit} is not a descendant of base commit ${baseCommit}`);
  }
  const maxStdout = {
    bytes: SUBMISSION_DIFF_MAX_BYTES,
    refusal:
      `Submission diff from ${baseCommit} to ${headCommit} is larger than ${SUBMISSION_DIFF_MAX_BYTES} bytes ` +
      `(${SUBMISSION_DIFF_MAX_BYTES / 1024 / 1024} MiB); commit generated or binary data elsewhere, ` +
      "or split the work into smaller packages",
  };
  const raw = await runGit(
    repo,
    ["diff", "--raw", "-z", "--no-abbrev", ...STABLE_DIFF, baseCommit, headCommit],
    { maxStdout },
  );
  const entries = parseRaw(raw.stdout);
  const links = entries.filter((entry) => entry.mode === SYMLINK_MODE);
  const diff = await runGit(
    repo,
    ["diff", "--binary", ...STABLE_DIFF, "--src-prefix=a/", "--dst-prefix=b/", baseCommit, headCommit],
    { maxStdout },
  );
  return {
    base_commit: baseCommit,
    head_commit: headCommit,
    changed_files: entries.map((entry) => entry.path),
    written_files: entries.filter((entry) => entry.mode !== DELETED_MODE).map((entry) => entry.path),
    changed_links: await changedLinks(repo, headCommit, links),
    diff: diff.stdout.toString("utf8"),
    diff_bytes: diff.stdout,
    diff_sha256: createHash("sha256").update(diff.stdout).digest("hex"),
  };
}
