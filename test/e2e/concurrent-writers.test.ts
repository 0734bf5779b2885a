import { expect, test } from "vitest";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { call, connect, tempDir } from "../helpers/mcp-client.js";
import { countRows } from "../helpers/ledger-snapshot.js";

const PER_PROCESS = 200;

test("two server processes creating 200 tasks each on one data dir lose nothing and never see 'database is locked'", async () => {
  const dataDir = tempDir("concurrent");
  const repo = tempDir("concurrent-repo");
  const a = await connect(dataDir, { name: "codex-a", role: "codex" });
  const project = await call<{ id: number }>(a, "project.init", {
    name: "p",
    repo_path: repo,
    grace_path: ".",
    main_branch: "main",
  });
  const b = await connect(dataDir, { name: "codex-b", role: "codex" });
  const create = (c: typeof a, i: number) =>
    c.client.callTool({
      name: "task.create_codex_task",
      arguments: {
        project_id: project.id,
        title: `${c === a ? "a" : "b"}-${i}`,
        objective: "o",
        architecture_intent: "",
        constraints: [],
        non_goals: [],
        acceptance_criteria: [],
        allowed_files: ["src/**"],
        forbidden_files: [],
      },
    }) as Promise<CallToolResult>;
  const results = await Promise.all(
    Array.from({ length: PER_PROCESS }, (_, i) => [create(a, i), create(b, i)]).flat(),
  );
  const errors = results.filter((r) => r.isError).map((r) => JSON.stringify(r.content));
  expect(errors).toEqual([]);
  await Promise.all([a.close(), b.close()]);
  expect(countRows(dataDir, "SELECT COUNT(*) c FROM tasks")).toBe(2 * PER_PROCESS);
  expect(countRows(dataDir, "SELECT COUNT(DISTINCT title) c FROM tasks")).toBe(2 * PER_PROCESS);
  expect(countRows(dataDir, "SELECT COUNT(*) c FROM audit_log WHERE event_type = 'task.codex_created'")).toBe(
    2 * PER_PROCESS,
  );
  expect(a.stderr() + b.stderr()).not.toMatch(/database is locked/i);
});
