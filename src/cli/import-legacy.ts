/**
 * `grace-orchestrator-mcp import-legacy`: copies a data dir of the Python grace-orchestrator
 * into a new data dir of ours and prints what it mapped and what it could not.
 */
import { parseArgs } from "node:util";
import { OrchestratorError } from "../domain/errors.js";
import { importLegacy, type ImportSummary, type UnmappedRow } from "../service/legacy-import.js";

const USAGE = `Usage: grace-orchestrator-mcp import-legacy --from OLD_DATA_DIR --data-dir NEW_DATA_DIR [--json]

Imports the Python grace-orchestrator's data dir (ledger.sqlite3 at user_version 0-4, runs/,
host-continuation/cursor.json) into a new, empty data dir, keeping every id. The old data dir is
only read. Prints what was mapped and names every row that could not be.`;

/** Rows named per table in the text summary; the rest are counted. */
const NAMED_PER_TABLE = 20;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function unmappedLines(rows: readonly UnmappedRow[]): string[] {
  const byTable = new Map<string, UnmappedRow[]>();
  for (const r of rows) byTable.set(r.table, [...(byTable.get(r.table) ?? []), r]);
  const lines: string[] = [];
  for (const [table, list] of byTable) {
    lines.push(`  ${table}: ${list.length} row(s) not imported`);
    for (const r of list.slice(0, NAMED_PER_TABLE)) lines.push(`    ${r.row}: ${r.reason}`);
    if (list.length > NAMED_PER_TABLE) lines.push(`    … and ${list.length - NAMED_PER_TABLE} more`);
  }
  return lines;
}

export function renderSummary(s: ImportSummary): string {
  const lines = [
    `Imported ${s.source} (Python grace-orchestrator, user_version ${s.source_user_version}) into ${s.target}.`,
    "Mapped:",
    ...Object.entries(s.mapped).map(([t, n]) => `  ${t.padEnd(24)} ${n}`),
  ];
  if (s.absent_in_source.length > 0)
    lines.push(`Not in the source at this version (nothing to map): ${s.absent_in_source.join(", ")}`);
  lines.push(`Events files read: ${s.events_files}`);
  lines.push(s.unmapped.length === 0 ? "Not mapped: nothing." : `Not mapped (${s.unmapped.length} rows):`);
  lines.push(...unmappedLines(s.unmapped));
  for (const d of s.dropped_columns)
    lines.push(`  column ${d.table}.${d.column} has no counterpart: ${d.values} value(s) not imported`);
  lines.push(`Copied: ${s.copied.join(", ") || "nothing"}`);
  if (s.left_in_source.length > 0)
    lines.push(
      `Left in the old data dir (paths recorded in sessions and test runs point there; keep it): ${s.left_in_source.join(", ")}`,
    );
  return `${lines.join("\n")}\n`;
}

export function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: "string" },
        "data-dir": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.from || !values["data-dir"]) fail(`--from and --data-dir are both required.\n${USAGE}`);
  let summary: ImportSummary;
  try {
    summary = importLegacy(values.from, values["data-dir"]);
  } catch (error) {
    if (error instanceof OrchestratorError) fail(`import-legacy refused: ${error.message}`);
    throw error;
  }
  process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary));
  return 0;
}
