import { describe, expect, it } from "vitest";
import { openLedger } from "../../src/ledger/database.js";
import { prepared } from "../../src/ledger/statements.js";
import { insertProject } from "../../src/ledger/tables/projects.js";
import { scratchDirs } from "../helpers/scratch-dirs.js";

const scratch = scratchDirs();

describe("prepared statements", () => {
  it("prepares a statement text once per connection and reuses it", () => {
    const a = openLedger(scratch("grace-statements-"));
    const b = openLedger(scratch("grace-statements-"));
    try {
      const sql = "SELECT COUNT(*) AS n FROM projects";
      const first = prepared(a, sql);
      expect(prepared(a, sql)).toBe(first);
      expect(prepared(b, sql)).not.toBe(first);
      expect(prepared(a, `${sql} WHERE id > 0`)).not.toBe(first);
    } finally {
      a.close();
      b.close();
    }
  });

  it("a reused statement sees rows written after it was first prepared", () => {
    const db = openLedger(scratch("grace-statements-"));
    try {
      const count = () => (prepared(db, "SELECT COUNT(*) AS n FROM projects").get() as { n: number }).n;
      expect(count()).toBe(0);
      insertProject(db, {
        name: "p",
        repo_path: "/tmp/repo-statements",
        grace_path: "docs",
        main_branch: "main",
        allowed_test_commands_json: "[]",
        created_at: "2026-11-30T00:00:00.000Z",
        updated_at: "2026-11-30T00:00:00.000Z",
      });
      expect(count()).toBe(1);
    } finally {
      db.close();
    }
  });

  it("holds a bounded number of statements per connection, starting over when full", () => {
    const db = openLedger(scratch("grace-statements-"));
    try {
      const first = prepared(db, "SELECT 0");
      for (let i = 1; i < 512; i += 1) prepared(db, `SELECT ${i}`);
      expect(prepared(db, "SELECT 0")).toBe(first);
      prepared(db, "SELECT 512");
      expect(prepared(db, "SELECT 0")).not.toBe(first);
    } finally {
      db.close();
    }
  });
});
