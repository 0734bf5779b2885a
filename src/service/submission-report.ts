import { mkdirSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../handoff/ndjson-file.js";
import { reportPath, type RunIds } from "../handoff/run-paths.js";

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
    `Tests: ${f.testsRunJson}`,
    "",
    "## Summary",
    "",
    f.summary,
    "",
    "## Residual risks",
    "",
    f.riskNotes || "(none reported)",
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
