// The real Codex CLI against the built server, driven by a scripted model on 127.0.0.1.
// Opt-in: scripts/ci-codex.sh installs the pinned @openai/codex and sets GRACE_CODEX_BIN.
// Codex reads the README's [mcp_servers.grace] block verbatim (paths substituted), so the block a
// user copies is the block tested.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
// Node 22 strips the helper's types itself; it imports only packages, so no build step is needed.
import { REPO_ROOT, call, connect } from "../helpers/mcp-client.ts";
import {
  codexConfig,
  outputsOf,
  readme,
  readmeCodexBlock,
  runCodex as runCodexRaw,
  runProcess as runRaw,
  toolJson,
} from "./codex-run.mjs";
import { say, startScriptedModel, toolCall } from "./scripted-model.mjs";

const CODEX = process.env.GRACE_CODEX_BIN;
const skip = CODEX ? false : "GRACE_CODEX_BIN is not set: run scripts/ci-codex.sh (npm run test:codex)";
const SUPERVISOR = path.join(REPO_ROOT, "dist", "src", "cli", "host-continuation.js");
const README_ROOT = "/home/me/src/grace-orchestrator-mcp";
const README_DATA = "/home/me/.local/state/grace-orchestrator";
const NAMESPACE = "mcp__grace";
const MISSING_TASK = 987654;

/** The README's resume template, with `codex` replaced by the pinned binary. */
function readmeResumeTemplate() {
  const match = /^export GRACE_CODEX_RESUME_COMMAND='codex (.*)'$/m.exec(readme());
  assert.ok(match, "README.md shows export GRACE_CODEX_RESUME_COMMAND='codex …'");
  return `${CODEX} ${match[1]}`;
}

const tmp = (label) => fs.mkdtempSync(path.join(os.tmpdir(), `grace-codex-${label}-`));
const root = skip ? "" : tmp("root");
const dataDir = path.join(root, "data");
const repo = path.join(root, "repo");
const codexHome = path.join(root, "codex-home");
const home = path.join(root, "home");

const state = { reportAt: null, woken: null, seeded: null, resumeKeys: null };

/** The worker: its own server process, reporting through MCP as Mimo's worker would. */
async function workerReports(taskId, packageId) {
  const worker = await connect(dataDir, { name: "junior-1", role: "worker_junior" });
  try {
    state.reportAt = Date.now();
    await call(worker, "handoff.report_worker_event", {
      work_package_id: packageId,
      event_type: "WORKER_NEEDS_CONTROLLER",
      message: `task ${taskId}: which schema?`,
    });
  } finally {
    await worker.close();
  }
}

/** A claimed package in Codex's new task; creating one over MCP takes the whole GLM planning flow. */
function seedClaimedPackage(taskId) {
  const db = new Database(path.join(dataDir, "ledger.sqlite3"));
  try {
    const now = new Date().toISOString();
    const id = db
      .prepare(
        `INSERT INTO work_packages (task_id, title, objective, allowed_files_json, forbidden_files_json, assigned_junior_agent,
           base_commit, status, claimed_by_agent, created_at, updated_at)
         VALUES (?, 'wp', 'o', '["src/**"]', '[]', 'junior-1', 'base', 'CLAIMED_JUNIOR', 'junior-1', ?, ?)`,
      )
      .run(taskId, now, now).lastInsertRowid;
    return Number(id);
  } finally {
    db.close();
  }
}

/** The first session: one model turn per tool result so far. */
function firstSession(outputs) {
  switch (outputs.length) {
    case 0:
      return toolCall(NAMESPACE, "orchestrator_whoami", {});
    case 1:
      return toolCall(NAMESPACE, "project_init", {
        name: "codex-e2e",
        repo_path: repo,
        grace_path: repo,
        main_branch: "main",
      });
    case 2: {
      const project = toolJson(outputs[1]);
      state.projectId = project.id;
      return toolCall(NAMESPACE, "agent_register", {
        project_id: project.id,
        name: "junior-1",
        primary_role: "worker_junior",
        capabilities: ["worker_junior"],
      });
    }
    case 3:
      return toolCall(NAMESPACE, "task_create_codex_task", {
        project_id: state.projectId,
        title: "bootstrap",
        objective: "prove the real client",
        architecture_intent: "none",
        constraints: [],
        non_goals: [],
        acceptance_criteria: ["a worker answers"],
        allowed_files: ["src/**"],
        forbidden_files: [],
      });
    case 4: {
      state.taskId = toolJson(outputs[3]).id;
      state.packageId = seedClaimedPackage(state.taskId);
      // The report comes from another process while Codex is inside the wait.
      setTimeout(
        () => workerReports(state.taskId, state.packageId).catch((e) => (state.reportError = e)),
        1_500,
      );
      return toolCall(NAMESPACE, "handoff_wait_for_event", { task_id: state.taskId, after_event_count: 0 });
    }
    case 5:
      state.woken = { at: Date.now(), output: outputs[4] };
      return toolCall(NAMESPACE, "task_get", { task_id: MISSING_TASK });
    case 6:
      state.refusal = outputs[5];
      return say("first session done");
    default:
      return say("unexpected extra turn");
  }
}

/** The resumed session: ACK with the keys from the supervisor's prompt file, then stop. */
function resumedSession(message, outputs) {
  if (outputs.length === 0) {
    const file = /Read (\S+\.md) and continue/.exec(message)?.[1];
    assert.ok(file, `the resume prompt names the prompt file: ${message}`);
    const prompt = fs.readFileSync(file, "utf8");
    const key = (name) => new RegExp(`^- ${name}: (\\S+)$`, "m").exec(prompt)?.[1];
    state.resumeKeys = {
      continuation_id: key("continuation_id"),
      source_event_id: key("source_event_id"),
      attempt_id: key("attempt_id"),
    };
    return toolCall(NAMESPACE, "continuation_ack", state.resumeKeys);
  }
  state.ack = outputs[0];
  return say("resumed session done");
}

let model;
before(async () => {
  if (skip) return;
  for (const d of [dataDir, repo, codexHome, home]) fs.mkdirSync(d, { recursive: true });
  spawnSync("git", ["init", "-q", "-b", "main", repo]);
  model = await startScriptedModel(({ body }) => {
    const { prompt, outputs } = outputsOf(body);
    return prompt.includes("continue the GRACE controller review")
      ? resumedSession(prompt, outputs)
      : firstSession(outputs);
  });
  const block = readmeCodexBlock([
    [README_ROOT, REPO_ROOT],
    [README_DATA, dataDir],
  ]);
  fs.writeFileSync(path.join(codexHome, "config.toml"), codexConfig(model.url, block));
});

after(async () => {
  await model?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const codexEnv = () => ({ PATH: process.env.PATH ?? "", HOME: home, CODEX_HOME: codexHome });
const runProcess = (program, args, env) => runRaw(program, args, { cwd: root, env });
const runCodex = (args) => runCodexRaw(CODEX, args, { cwd: root, env: codexEnv() });

const run = {};

test(
  "the first codex exec session runs to its end with the README's block",
  { skip, timeout: 180_000 },
  async (t) => {
    run.first = await runCodex([
      "exec",
      "--json",
      "--skip-git-repo-check",
      "Run the GRACE bootstrap script.",
    ]);
    assert.equal(run.first.code, 0, run.first.err);
    run.threadId = run.first.events.find((e) => e.type === "thread.started")?.thread_id;
    assert.ok(run.threadId, "codex printed its thread id");
    const grace = model.requests[0]?.body.tools.find((tool) => tool.name === NAMESPACE);
    t.diagnostic(
      `the grace tools as Codex gives them to its model: ${Buffer.byteLength(JSON.stringify(grace))} bytes`,
    );
    for (const r of model.requests) {
      assert.ok(
        r.body.tools.some((tool) => tool.name === NAMESPACE),
        "every model request offers the grace tools (required = true makes Codex wait for the server)",
      );
    }
    const calls = model.requests
      .map((r) => r.step)
      .filter((s) => s.kind === "call")
      .map((s) => s.name);
    assert.deepEqual(calls, [
      "orchestrator_whoami",
      "project_init",
      "agent_register",
      "task_create_codex_task",
      "handoff_wait_for_event",
      "task_get",
    ]);
  },
);

test("whoami answers with the identity from the block's env", { skip }, () => {
  const whoami = toolJson(outputsOf(model.requests[1].body).outputs[0]);
  assert.equal(whoami.actor_name, "codex-main");
  assert.equal(whoami.granted_role, "codex");
});

test(
  "the bootstrapped task's wait is woken by a worker's report from another server process",
  { skip },
  (t) => {
    assert.equal(state.reportError, undefined);
    const woken = toolJson(state.woken.output);
    assert.equal(woken.status, "event");
    assert.match(JSON.stringify(woken), /WORKER_NEEDS_CONTROLLER/);
    const wakeMs = state.woken.at - state.reportAt;
    t.diagnostic(`worker report -> model sees the woken wait: ${wakeMs} ms`);
    assert.ok(wakeMs < 10_000, `woken after ${wakeMs} ms, not by the 50 s timeout`);
  },
);

test("a refusal reaches the model naming the record kind and id", { skip }, () => {
  assert.match(state.refusal, new RegExp(`Task ${MISSING_TASK} does not exist`));
});

test("the ledger recorded Codex's own thread id against the task", { skip }, () => {
  const db = new Database(path.join(dataDir, "ledger.sqlite3"), { readonly: true });
  const recorded = db
    .prepare("SELECT session_id FROM controller_sessions WHERE task_id = ?")
    .all(state.taskId);
  db.close();
  assert.deepEqual(
    recorded.map((r) => r.session_id),
    [run.threadId],
  );
});

test(
  "after the session ended, the supervisor resumes that session with the README's template",
  { skip, timeout: 240_000 },
  async () => {
    const requestsBefore = model.requests.length;
    // Not spawnSync: the scripted model answers from this process's event loop.
    const sup = await runProcess(process.execPath, [SUPERVISOR, "--data-dir", dataDir, "--once"], {
      ...codexEnv(),
      GRACE_CODEX_RESUME_COMMAND: readmeResumeTemplate(),
      GRACE_HOST_CONTINUATION_WAIT_SECONDS: "120",
      GRACE_LOG_LEVEL: "info",
    });
    assert.equal(sup.code, 0, sup.err);
    const resumed = model.requests.slice(requestsBefore);
    assert.ok(
      resumed.length >= 2,
      `the resumed codex asked the model (${resumed.length} requests)\n${sup.err}`,
    );
    // Same session: the resumed request carries the first session's history.
    assert.match(JSON.stringify(resumed[0].body.input), /orchestrator_whoami/);
    assert.match(JSON.stringify(resumed[0].body.input), /continue the GRACE controller review/);
    const ack = toolJson(state.ack);
    assert.equal(ack.state, "ACKNOWLEDGED");
    assert.equal(ack.continuation_id, state.resumeKeys.continuation_id);
    const runDir = path.join(
      dataDir,
      "runs",
      `project-${state.projectId}`,
      `task-${state.taskId}`,
      `package-${state.packageId}`,
    );
    const hostEvents = fs
      .readFileSync(path.join(runDir, "host-events.ndjson"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const started = hostEvents.find((e) => e.type === "HOST_CONTROLLER_RESUME_STARTED");
    assert.ok(started, JSON.stringify(hostEvents.map((e) => e.type)));
    assert.deepEqual(started.payload.argv.slice(1, 5), [
      "exec",
      "resume",
      "--skip-git-repo-check",
      run.threadId,
    ]);
  },
);
