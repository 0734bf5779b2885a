import path from "node:path";
import Database from "better-sqlite3";

/** Every row of every table, read through a separate read-only connection: "nothing written" is checked against this. */
export function snapshotLedger(dataDir: string): Record<string, unknown[]> {
  const db = new Database(path.join(dataDir, "ledger.sqlite3"), { readonly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.map((t) => [t.name, db.prepare(`SELECT * FROM ${t.name} ORDER BY rowid`).all()]),
    );
  } finally {
    db.close();
  }
}

export function countRows(dataDir: string, sql: string, ...params: unknown[]): number {
  const db = new Database(path.join(dataDir, "ledger.sqlite3"), { readonly: true });
  try {
    return (db.prepare(sql).get(...params) as { c: number }).c;
  } finally {
    db.close();
  }
}
