import { afterAll, describe, expect, test } from "vitest";
import { num, objects } from "../helpers/answer.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import {
  makeGraceRepo,
  PACKET_ARGS,
  planTask,
  type Call,
  type Result,
} from "../helpers/git-repo-lifecycle.js";
import { FAKE_MIMO, tellExit, writeFakeMimoConfig } from "../helpers/fake-mimo-world.js";
import { call, connect, resultValue, tempDir, type Connected } from "../helpers/mcp-client.js";

const PACKAGES = 6;

/**
 * The dispatch lock across processes: two GLM server processes on one data dir launch the same
 * packages at the same moment. Within one process prepare() runs synchronously and cannot race;
 * here the two processes' transactions really contend for the ledger.
 */
describe("two GLM server processes launching the same package at once", () => {
  const dataDir = tempDir("mimo-race-data");
  const records = tempDir("mimo-race-records");
  const { repo, base } = makeGraceRepo();
  const xdg = writeFakeMimoConfig(tempDir("mimo-race-xdg"), { record_dir: records });
  const env = { GRACE_ORCHESTRATOR_MIMO_COMMAND: FAKE_MIMO, XDG_CONFIG_HOME: xdg };
  const servers: Connected[] = [];
  const pids: number[] = [];
  afterAll(async () => {
    for (const pid of pids) tellExit(records, pid);
    await Promise.all(servers.map((s) => s.close()));
  });

  test("exactly one launch per package wins; the other is refused with the dispatch-lock message", async () => {
    const [codex, a, b] = await Promise.all([
      connect(dataDir, { name: "codex-main", role: "codex" }, env),
      connect(dataDir, { name: "glm-1", role: "glm" }, env),
      connect(dataDir, { name: "glm-1", role: "glm" }, env),
    ]);
    servers.push(codex, a, b);
    const staff: Call = (who, tool, args = {}) => call<Result>(who === "codex" ? codex : a, tool, args);
    const { taskId } = await planTask(staff, repo);
    // All packages are created before any is assigned: creation needs the task not yet assigned.
    const pkgIds: number[] = [];
    for (let i = 0; i < PACKAGES; i++) {
      const created = await staff("glm", "workpackage.create", {
        task_id: taskId,
        title: `Package ${i}`,
        objective: "saveOrder raises DUPLICATE_ORDER for a known id",
        allowed_files: ["src/orderdesk/**"],
        forbidden_files: ["src/orderdesk/secrets/**"],
        assigned_junior_agent: "junior-1",
        assigned_pro_agent: "pro-1",
        base_commit: base,
        ...PACKET_ARGS,
      });
      pkgIds.push(num(created, "id"));
    }
    for (const id of pkgIds) await staff("glm", "workpackage.assign", { work_package_id: id });

    const launch = (c: Connected, id: number) =>
      c.client.callTool({
        name: "mimo.launch_package",
        arguments: { work_package_id: id, mode: "tui" },
      }) as Promise<CallToolResult>;
    const results = await Promise.all(pkgIds.map((id) => Promise.all([launch(a, id), launch(b, id)])));

    for (const [i, pair] of results.entries()) {
      const wins = pair.filter((r) => !r.isError).map((r) => resultValue<Result>(r));
      for (const w of wins) pids.push(num(w, "pid"));
      expect(wins, `package ${pkgIds[i]}`).toHaveLength(1);
      const loser = pair.find((r) => r.isError)!;
      const text = loser.content.map((p) => (p.type === "text" ? p.text : "")).join("");
      expect(text).toBe(`Work package already has an active Mimo session: ${num(wins[0], "id")}`);
    }
    const sessions = objects(await call(a, "task.get", { task_id: taskId }), "mimo_sessions");
    expect(sessions).toHaveLength(PACKAGES);
    expect(new Set(sessions.map((s) => s.work_package_id)).size).toBe(PACKAGES);
    expect(sessions.every((s) => s.lifecycle_state === "TUI_DETACHED")).toBe(true);
  });
});
