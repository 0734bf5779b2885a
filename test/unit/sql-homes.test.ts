/**
 * Every ledger table has one data module, `src/ledger/tables/<table>.ts`, and SQL text lives only in
 * src/ledger/: services, status, continuation and handoff code call the modules' functions. A module
 * writes only its own table (a read may join others: it lives with the table whose rows it returns).
 * The one exception is the importer of a foreign ledger, which copies whole tables by their names.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/ledger/migrations.js";

const REPO = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const TABLES_DIR = "src/ledger/tables";
const SQL_OUTSIDE_LEDGER_ALLOWED = new Set(["src/service/legacy-import.ts"]);

const STATEMENT =
  /\b(?:SELECT\s[\s\S]*?\bFROM|INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\s+\w+/;
const WRITE = /\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(\w+)/g;

function tsFiles(relDir: string): string[] {
  return fs.readdirSync(path.join(REPO, relDir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${relDir}/${entry.name}`;
    if (entry.isDirectory()) return tsFiles(rel);
    return entry.name.endsWith(".ts") ? [rel] : [];
  });
}

const read = (rel: string): string => fs.readFileSync(path.join(REPO, rel), "utf8");
const tables = [
  ...new Set(
    MIGRATIONS.flatMap((m) =>
      [...m.sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g)].map((x) => x[1]!),
    ),
  ),
].sort();
const moduleOf = (table: string): string => `${TABLES_DIR}/${table.replaceAll("_", "-")}.ts`;

/** The tables a file's SQL writes to. */
function writtenTables(text: string): string[] {
  return [...new Set([...text.matchAll(WRITE)].map((m) => m[1]!))].filter((t) => tables.includes(t));
}

describe("one home per table", () => {
  it("the migrations create the tables the modules are named for", () => {
    expect(tables).toContain("work_packages");
    expect(tables.length).toBeGreaterThanOrEqual(15);
  });

  it("the statement pattern finds reads and writes, and not prose", () => {
    for (const sql of [
      "SELECT * FROM tasks WHERE id = ?",
      "SELECT COUNT(*)\n FROM audit_log",
      "INSERT OR IGNORE INTO agents (name) VALUES (?)",
      "UPDATE tasks SET status = ?",
      "DELETE FROM role_delegations WHERE id = ?",
    ])
      expect(STATEMENT.test(sql), sql).toBe(true);
    for (const prose of ["// select the newest one from the list", "Update the task's status."])
      expect(STATEMENT.test(prose), prose).toBe(false);
    expect(writtenTables("UPDATE tasks SET x = 1; INSERT INTO audit_log (a) VALUES (1)")).toEqual([
      "tasks",
      "audit_log",
    ]);
  });

  it("every table has its data module", () => {
    expect(tables.filter((t) => !fs.existsSync(path.join(REPO, moduleOf(t))))).toEqual([]);
  });

  it("a data module writes only its own table", () => {
    const strays = tables.flatMap((t) => {
      const rel = moduleOf(t);
      if (!fs.existsSync(path.join(REPO, rel))) return [];
      return writtenTables(read(rel))
        .filter((w) => w !== t)
        .map((w) => `${rel} writes ${w}`);
    });
    expect(strays).toEqual([]);
  });

  it("no SQL statement outside src/ledger/", () => {
    const outside = tsFiles("src").filter(
      (rel) =>
        !rel.startsWith("src/ledger/") && !SQL_OUTSIDE_LEDGER_ALLOWED.has(rel) && STATEMENT.test(read(rel)),
    );
    expect(outside).toEqual([]);
  });
});
