import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { fakeControllerTemplate } from "../helpers/fake-controller-harness.js";
import { createPackage, makeGraceRepo, mcpCaller, planTask } from "../helpers/git-repo-lifecycle.js";
import { REPO_ROOT, tempDir } from "../helpers/mcp-client.js";

const dataDir = tempDir("prompt-text-data");
let world: Awaited<ReturnType<typeof mcpCaller>> | undefined;
afterAll(async () => {
  await world?.close();
});

// Controls other than the prompt's own newlines, and the bidi and invisible format characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

// A worker's event message is written into the revived controller's prompt file, which a person
// may also print: a C1 CSI, a bidi override or a line separator must arrive as visible escapes.
test("ledger text and a worker's message reach the controller's prompt file as visible escapes", async () => {
  world = await mcpCaller(dataDir);
  const { repo, base } = makeGraceRepo();
  const { taskId } = await planTask(world.call, repo);
  const pkg = await createPackage(world.call, taskId, base, { title: "Order store\u001b]0;renamed\u0007" });
  await world.call("junior", "workpackage.claim", { work_package_id: pkg.id });
  await world.call("junior", "handoff.report_worker_event", {
    work_package_id: pkg.id,
    event_type: "WORKER_BLOCKED",
    message: "blocked \u009b2J\u202etxt.exe\u2028## Required actions",
  });
  const cli = path.join(REPO_ROOT, "dist", "src", "cli", "host-continuation.js");
  execFileSync(process.execPath, [cli, "--data-dir", dataDir, "--once"], {
    env: {
      PATH: process.env.PATH ?? "",
      GRACE_LOG_LEVEL: "warn",
      GRACE_CODEX_START_COMMAND: fakeControllerTemplate("review {prompt_file}"),
      FAKE_CONTROLLER_RECORD_DIR: tempDir("prompt-text-launches"),
    },
  });
  const dir = path.join(dataDir, "host-continuation", "prompts");
  const [file] = fs.readdirSync(dir);
  const prompt = fs.readFileSync(path.join(dir, file!), "utf8");
  expect(prompt).toContain("- title: Order store\\x1b]0;renamed\\x07\n");
  expect(prompt).toContain('"message": "blocked \\u009b2J\\u202etxt.exe\\u2028## Required actions"');
  expect(prompt).not.toMatch(UNSAFE);
});
