import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, expect, test } from "vitest";
import { at } from "../helpers/answer.js";
import {
  readLaunchRecords,
  startSupervisor,
  type RunningSupervisor,
} from "../helpers/fake-controller-harness.js";
import { tempDir } from "../helpers/mcp-client.js";
import {
  STORE,
  commitFiles,
  createPackage,
  makeGraceRepo,
  mcpCaller,
  planTask,
  submit,
} from "../helpers/git-repo-lifecycle.js";

const dataDir = tempDir("cont-sub-data");
const recordDir = tempDir("cont-sub-launches");
let world: Awaited<ReturnType<typeof mcpCaller>>;
let supervisor: RunningSupervisor;

beforeAll(async () => {
  world = await mcpCaller(dataDir);
  supervisor = await startSupervisor(dataDir, recordDir, "review {prompt_file}");
});

afterAll(async () => {
  await supervisor?.stop();
  await world?.close();
});

test("a worker's submission.create over MCP starts controller review at once, exactly once", async () => {
  const { repo, base } = makeGraceRepo();
  const planned = await planTask(world.call, repo);
  const pkg = await createPackage(world.call, planned.taskId, base);
  await world.call("junior", "workpackage.claim", { work_package_id: pkg.id });
  const head = commitFiles(repo, { [STORE]: "export const saveOrder = () => 'checked';\n" });

  const before = performance.now();
  const submission = await submit(world.call, "junior", planned.taskId, pkg.id, head, [STORE]);
  let launches = readLaunchRecords(recordDir);
  while (launches.length === 0 && performance.now() - before < 20_000) {
    await new Promise((r) => setTimeout(r, 5));
    launches = readLaunchRecords(recordDir);
  }
  const elapsed = performance.now() - before;
  console.log(
    `submission.create call → controller launch recorded: ${elapsed.toFixed(0)} ms (poll interval 60 s)`,
  );
  expect(elapsed).toBeLessThan(5_000);
  await new Promise((r) => setTimeout(r, 1_000)); // a duplicate would show up now
  launches = readLaunchRecords(recordDir);
  expect(launches).toHaveLength(1);
  expect(launches[0]!.env.GRACE_CONTINUATION_SOURCE_EVENT_ID).toBe(
    at(submission, "handoff_event", "event_id"),
  );
  expect(launches[0]!.argv[0]).toBe("review");
});
