import { afterAll, beforeAll, expect, test } from "vitest";
import { initRepo } from "../helpers/git-repo.js";
import { call, connect, createMinimalTask, tempDir, type Connected } from "../helpers/mcp-client.js";

const dataDir = tempDir("res-bound-");
let codex: Connected;
let projectId = 0;

beforeAll(async () => {
  codex = await connect(dataDir, { name: "codex-1", role: "codex" });
  const project = await call<{ id: number }>(codex, "project.init", {
    name: "big",
    repo_path: initRepo(),
    grace_path: "docs",
    main_branch: "main",
  });
  projectId = project.id;
  // 400 tasks with 200-character titles: the project's status snapshot is well over 64 KB.
  for (let i = 0; i < 400; i += 1) await createMinimalTask(codex, projectId, `${i} `.padEnd(200, "x"));
}, 120_000);

afterAll(async () => {
  await codex?.close();
});

test("a resource over the answer bound is refused with its size and where to read it, and the client keeps working", async () => {
  const uri = `orchestrator://project/${projectId}/active`;
  await expect(codex.client.readResource({ uri })).rejects.toThrow(
    new RegExp(`The resource ${uri} would be \\d+ bytes, over its bound of 65536 bytes`),
  );
  const small = await codex.client.readResource({ uri: `orchestrator://project/${projectId}` });
  expect(JSON.parse((small.contents[0] as { text: string }).text)).toMatchObject({ id: projectId });
  expect(await call(codex, "orchestrator.whoami")).toMatchObject({ actor_name: "codex-1" });
});
