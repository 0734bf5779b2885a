import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fakeControllerTemplate, readLaunchRecords } from "../helpers/fake-controller-harness.js";
import { REPO_ROOT, tempDir } from "../helpers/mcp-client.js";
import {
  STORE,
  commitFiles,
  createPackage,
  makeGraceRepo,
  mcpCaller,
  planTask,
  submit,
} from "../helpers/git-repo-lifecycle.js";

const CLI = path.join(REPO_ROOT, "dist", "src", "cli", "host-continuation.js");
const dataDir = tempDir("cont-sub-data");
const recordDir = tempDir("cont-sub-launches");
let world: Awaited<ReturnType<typeof mcpCaller>>;
let supervisor: ChildProcess;

beforeAll(async () => {
  world = await mcpCaller(dataDir);
  let err = "";
  // A 60 s poll: a launch within seconds can only come from the event-driven wake.
  supervisor = spawn(process.execPath, [CLI, "--data-dir", dataDir, "--poll-interval-seconds", "60"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      GRACE_LOG_LEVEL: "info",
      GRACE_CODEX_START_COMMAND: fakeControllerTemplate("review {prompt_file}"),
      FAKE_CONTROLLER_RECORD_DIR: recordDir,
    },
  });
  supervisor.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const until = Date.now() + 10_000;
  while (!err.includes("supervisor started") && Date.now() < until)
    await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 500));
});

afterAll(async () => {
  supervisor?.kill("SIGTERM");
  if (supervisor && supervisor.exitCode === null) await new Promise((r) => supervisor.once("exit", r));
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
  expect(launches[0]!.env.GRACE_CONTINUATION_SOURCE_EVENT_ID).toBe(submission.handoff_event.event_id);
  expect(launches[0]!.argv[0]).toBe("review");
});
