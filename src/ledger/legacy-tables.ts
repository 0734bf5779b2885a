import type { Db } from "./database.js";

/**
 * How each table of the predecessor's ledger (the Python server) maps into ours. Same names,
 * same ids; ours has every column it has, so a row is copied column by column and ours fills
 * what an older predecessor version lacked with its defaults. Listed parents first, so every
 * foreign key is checked as the row goes in.
 */
export interface LegacyTable {
  table: string;
  /** Columns that name a row in the summary when it cannot be mapped. */
  key: readonly string[];
  /** Values the predecessor stored as '' where ours needs a real value. */
  emptyTo?: Readonly<Record<string, string>>;
}

export const LEGACY_TABLES: readonly LegacyTable[] = [
  { table: "projects", key: ["id", "name"] },
  { table: "agents", key: ["id", "name"] },
  { table: "tasks", key: ["id", "title"] },
  { table: "role_delegations", key: ["id", "substitute_actor"] },
  { table: "grace_artifacts", key: ["id", "artifact_type"] },
  { table: "verification_plans", key: ["id", "task_id"] },
  // Older predecessor ledgers defaulted the column to '' before the value set existed.
  { table: "work_packages", key: ["id", "title"], emptyTo: { authority_mode: "codex_led" } },
  { table: "submissions", key: ["id", "work_package_id"] },
  { table: "reviews", key: ["id", "target_type", "target_id"] },
  { table: "test_runs", key: ["id", "command_key"] },
  { table: "mimo_sessions", key: ["id", "work_package_id"] },
  { table: "audit_log", key: ["id", "event_type"] },
  { table: "continuation_deliveries", key: ["id", "continuation_id"] },
];

/** Predecessor tables with no counterpart here, and why: their rows are counted and named. */
export const UNMAPPED_TABLES: Readonly<Record<string, string>> = {
  idempotency_keys: "no counterpart: the Python server declared this table but never used it",
};

export function columnsOf(db: Db, table: string): string[] {
  return db.prepare("SELECT name FROM pragma_table_info(?)").pluck().all(table) as string[];
}

export function tablesOf(db: Db): Set<string> {
  return new Set(
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[],
  );
}

/** A timestamp column: ours compares them as strings, so all must be in one ISO form. */
function isTimestamp(column: string): boolean {
  return column.endsWith("_at");
}

/**
 * The predecessor wrote `+00:00` offsets and microseconds; ours writes `Z` and milliseconds.
 * A value that is not a date is kept as it was.
 */
export function normaliseTimestamp(value: unknown): unknown {
  if (typeof value !== "string" || !/^\d{4}-\d\d-\d\dT/.test(value)) return value;
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** One source row as the values of the shared columns, in order. */
export function mapRow(
  spec: LegacyTable,
  columns: readonly string[],
  row: Record<string, unknown>,
): unknown[] {
  return columns.map((column) => {
    const value = row[column];
    const replacement = spec.emptyTo?.[column];
    if (replacement !== undefined && value === "") return replacement;
    return isTimestamp(column) ? normaliseTimestamp(value) : value;
  });
}

/** How the summary names a row: `agents #10 (glm-1)`. */
export function rowName(table: string, key: readonly string[], row: Record<string, unknown>): string {
  const [first, ...rest] = key.filter((k) => row[k] !== undefined);
  if (first === undefined) return table;
  const label = first === "id" ? `#${String(row.id)}` : String(row[first]);
  const more = rest.map((k) => String(row[k]));
  return more.length > 0 ? `${table} ${label} (${more.join(", ")})` : `${table} ${label}`;
}
