import { mkdirSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../handoff/ndjson-file.js";
import { reportPath, type RunIds } from "../handoff/run-paths.js";
import { terminalSafe } from "../domain/terminal-text.js";

export interface ReportFacts {
  packageTitle: string;
  packageId: number;
  submitter: string;
  baseCommit: string;
  headCommit: string;
  filesChangedJson: string;
  testsRunJson: string;
  summary: string;
  riskNotes: string;
}

/**
 * The worker's own text as a Markdown quote: every line starts with `> `, so nothing the worker
 * writes can end the quote and read as one of the report's own lines (a files list, a verdict,
 * an instruction), and control characters are shown as escapes, never sent to a terminal.
 */
function quoted(text: string, empty: string): string {
  const body = text.trim() === "" ? empty : text;
  return body
    .split("\n")
    .map((line) => `> ${terminalSafe(line)}`.trimEnd())
    .join("\n");
}

/** The controller-readable report of the latest submission. */
export function renderReport(f: ReportFacts): string {
  return [
    `# Work package ${f.packageId} submission report`,
    "",
    `Work package: ${f.packageTitle} (#${f.packageId})`,
    `Worker: ${f.submitter}`,
    `Base commit: ${f.baseCommit}`,
    `Head commit: ${f.headCommit}`,
    `Files changed: ${f.filesChangedJson}`,
    `Tests, as the worker reports them (repo.run_tests records are the evidence): ${f.testsRunJson}`,
    "",
    "## Summary, in the worker's words",
    "",
    quoted(f.summary, "(no summary)"),
    "",
    "## Residual risks, in the worker's words",
    "",
    quoted(f.riskNotes, "(none reported)"),
    "",
    "Inspect the scoped diff (server-derived from git), then decide: accept, request rework, or escalate.",
    "",
  ].join("\n");
}

/** Overwrites `handoff/WP-<w>.report.md` atomically; called after the submission committed. */
export function writeReport(dataDir: string, run: RunIds, facts: ReportFacts): string {
  const file = reportPath(dataDir, run);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, renderReport(facts));
  return file;
}
