import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { initRepo } from "../helpers/git-repo.js";
import { call, callError, connect, minimalTaskArgs, tempDir, type Connected } from "../helpers/mcp-client.js";

// The servers hold what a real GLM server holds: its identity, its data dir and a provider key.
const SECRET_ENV = { OPENAI_API_KEY: "sk-fake-provider-key", DECLARED_FOR_TESTS: "yes", NOT_DECLARED: "no" };
const DUMP = [process.execPath, "-e", "process.stdout.write(JSON.stringify(process.env))"];
const dataDir = tempDir("test-env-data");
let codex: Connected, glm: Connected;
let projectId: number, taskId: number;

beforeAll(async () => {
  [codex, glm] = await Promise.all([
    connect(dataDir, { name: "codex-main", role: "codex" }, SECRET_ENV),
    connect(dataDir, { name: "glm-1", role: "glm" }, SECRET_ENV),
  ]);
  const project = await call<{ id: number }>(codex, "project.init", {
    name: "p",
    repo_path: initRepo(),
    grace_path: ".",
    main_branch: "main",
    allowed_test_commands: {
      dump: DUMP,
      declared: { argv: DUMP, env: ["DECLARED_FOR_TESTS"] },
    },
  });
  projectId = project.id;
  await call(codex, "agent.register", {
    project_id: projectId,
    name: "glm-1",
    primary_role: "glm",
    capabilities: ["glm"],
  });
  const task = await call<{ id: number }>(codex, "task.create_codex_task", minimalTaskArgs(projectId));
  taskId = task.id;
}, 60_000);
afterAll(async () => {
  await Promise.all([codex?.close(), glm?.close()]);
});

async function dumpedEnv(commandKey: string): Promise<Record<string, string>> {
  const run = await call<{ exit_code: number; stdout_path: string }>(glm, "repo.run_tests", {
    project_id: projectId,
    task_id: taskId,
    work_package_id: null,
    command_key: commandKey,
  });
  expect(run.exit_code).toBe(0);
  return JSON.parse(readFileSync(run.stdout_path, "utf8")) as Record<string, string>;
}

test("a test command sees the allowlisted environment: no identity, data dir or provider key", async () => {
  const env = await dumpedEnv("dump");
  expect(Object.keys(env).filter((k) => k.startsWith("GRACE_"))).toEqual([]);
  expect(env.OPENAI_API_KEY).toBeUndefined();
  expect(env.DECLARED_FOR_TESTS).toBeUndefined();
  expect(JSON.stringify(env)).not.toContain(dataDir);
  expect(env.PATH).toBe(process.env.PATH);
  expect(env.HOME).toBeDefined();
});

test("a test command also sees the names it declares, and only those", async () => {
  const env = await dumpedEnv("declared");
  expect(env.DECLARED_FOR_TESTS).toBe("yes");
  expect(env.NOT_DECLARED).toBeUndefined();
  expect(env.OPENAI_API_KEY).toBeUndefined();
  expect(Object.keys(env).filter((k) => k.startsWith("GRACE_"))).toEqual([]);
});

test("a declaration names variables, never this server's own settings or values", async () => {
  const set = (env: unknown) =>
    callError(codex, "project.set_test_commands", {
      project_id: projectId,
      allowed_test_commands: { dump: { argv: DUMP, env } },
    });
  expect(await set(["GRACE_ORCHESTRATOR_DATA_DIR"])).toBe(
    "Test command 'dump' env: GRACE_ORCHESTRATOR_DATA_DIR is this server's own setting and never passes to a child",
  );
  expect(await set(["KEY=value"])).toBe(
    `Test command 'dump' env: "KEY=value" is not a variable name (letters, digits and '_', not starting with a digit; names only, never values)`,
  );
});
