import fs from "node:fs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { num, str } from "../helpers/answer.js";
import { FAKE_MIMO, tellExit, writeFakeMimoConfig } from "../helpers/fake-mimo-world.js";
import {
  createPackage,
  makeGraceRepo,
  planTask,
  type Call,
  type Result,
} from "../helpers/git-repo-lifecycle.js";
import { call, connect, tempDir, type Connected } from "../helpers/mcp-client.js";

const dataDir = tempDir("test-root");
const records = tempDir("test-root-records");
const env = {
  GRACE_ORCHESTRATOR_MIMO_COMMAND: FAKE_MIMO,
  XDG_CONFIG_HOME: writeFakeMimoConfig(tempDir("test-root-xdg"), { record_dir: records }),
};
const servers: Partial<Record<"codex" | "glm" | "junior", Connected>> = {};
const pids: number[] = [];

beforeAll(async () => {
  [servers.codex, servers.glm, servers.junior] = await Promise.all([
    connect(dataDir, { name: "codex-main", role: "codex" }, env),
    connect(dataDir, { name: "glm-1", role: "glm" }, env),
    connect(dataDir, { name: "junior-1", role: "worker_junior" }, env),
  ]);
});
afterAll(async () => {
  for (const pid of pids) tellExit(records, pid);
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

test("the server picks the test root: the repo without a session, the live TUI session's worktree once there is one", async () => {
  const staff: Call = (who, tool, args = {}) => call<Result>(servers[who as "codex"]!, tool, args);
  const { repo, base } = makeGraceRepo();
  const { projectId, taskId } = await planTask(staff, repo);
  await staff("codex", "project.set_test_commands", {
    project_id: projectId,
    allowed_test_commands: { cwd: [process.execPath, "-e", "console.log(process.cwd())"] },
  });
  const pkg = await createPackage(staff, taskId, base, { test_surface: ["cwd"], commands_allowed: ["cwd"] });
  const cwdOfRun = async (): Promise<string> => {
    const run = await staff("junior", "repo.run_tests", {
      project_id: projectId,
      task_id: taskId,
      work_package_id: pkg.id,
      command_key: "cwd",
    });
    expect(run.exit_code).toBe(0);
    return fs.realpathSync(fs.readFileSync(str(run, "stdout_path"), "utf8").trim());
  };

  expect(await cwdOfRun()).toBe(fs.realpathSync(repo));
  const session = await staff("glm", "mimo.launch_package", { work_package_id: pkg.id, mode: "tui" });
  pids.push(num(session, "pid"));
  expect(session.lifecycle_state).toBe("TUI_DETACHED");
  expect(await cwdOfRun()).toBe(fs.realpathSync(str(session, "workspace_path")));
});
