import type { Statement } from "better-sqlite3";
import type { Db } from "./database.js";

/** Enough for every statement text the data modules build, including their few variable IN lists. */
const MAX_STATEMENTS_PER_DB = 512;

const byDb = new WeakMap<Db, Map<string, Statement>>();

/**
 * The statement for `sql` on `db`, prepared once and reused: preparing costs more than most of the
 * ledger's queries, and the hot paths (a report, a wake, a status scan) run the same few statements.
 * A statement is bound to its connection, so each connection has its own set.
 */
export function prepared(db: Db, sql: string): Statement {
  let statements = byDb.get(db);
  if (statements === undefined) {
    statements = new Map();
    byDb.set(db, statements);
  }
  const known = statements.get(sql);
  if (known !== undefined) return known;
  if (statements.size >= MAX_STATEMENTS_PER_DB) statements.clear();
  const statement = db.prepare(sql);
  statements.set(sql, statement);
  return statement;
}
