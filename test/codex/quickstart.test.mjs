// The README's "Quickstart: from clone to a closed task", followed as written, in a temporary home.
// The Linux block's commands and the Codex config block are read from README.md and run: npm link
// (into a temporary npm prefix), doctor, scaffold and the commit through the linked bins, on the
// machine's own Node (the bins switch to the checkout's). Codex is the real CLI (a scripted model on
// 127.0.0.1 decides its tool calls) reading the README's block from ~/.codex/config.toml; GLM and
// the worker are the SDK's MCP client over STDIO, each started from the profile
// mimo.connection_profile printed for it, as Mimo would start it; `mimo` on PATH is the shipped
// fake (scripts/demo/fake-mimo.mjs). Opt-in like every test here: scripts/ci-codex.sh sets
// GRACE_CODEX_BIN. Only two lines are replaced: the clone (the checkout is a link to this one) and
// `npm ci && npm run build` (CI ran both in this checkout before this suite).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { REPO_ROOT, resultText, resultValue } from "../helpers/mcp-client.ts";
import { codexConfig, outputsOf, readme, readmeCodexBlock, runCodex, toolJson } from "./codex-run.mjs";
import { say, startScriptedModel, toolCall } from "./scripted-model.mjs";
import { exampleWorkerReport } from "../../dist/src/demo/worker-report.js";

const CODEX = process.env.GRACE_CODEX_BIN;
const skip = CODEX ? false : "GRACE_CODEX_BIN is not set: run scripts/ci-codex.sh (npm run test:codex)";
const NAMESPACE = "mcp__grace";
const README_HOME = "/home/me";
const CLONE_LINE = "git clone <this repository> ~/src/grace-orchestrator-mcp";
const INSTALL_LINE = "npm ci && npm run build && npm link";
const HELLO = "src/greeting/hello.ts";

const root = skip ? "" : fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "grace-quickstart-")));
const home = path.join(root, "home");
const npmPrefix = path.join(root, "npm-prefix");
const app = path.join(home, "src", "myapp");
const mimoRecords = path.join(root, "mimo-records");
const dataDir = path.join(home, ".local", "state", "grace-orchestrator");

/** The README's quickstart section. */
function quickstart() {
  const text = readme();
  const start = text.indexOf("## Quickstart: from clone to a closed task");
  assert.ok(start >= 0, "README.md has the section 'Quickstart: from clone to a closed task'");
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end);
}

function fenced(section, lang) {
  const match = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(section);
  assert.ok(match, `the quickstart has a \`\`\`${lang} block`);
  return match[1];
}

/** The user's own PATH: the npm prefix's bin (npm link), ~/bin (mimo), the machine's programs. */
function userPath() {
  const machine = (process.env.PATH ?? "").split(path.delimiter).filter((p) => !p.includes("node_modules"));
  return [path.join(npmPrefix, "bin"), path.join(home, "bin"), ...machine].join(path.delimiter);
}

const userEnv = () => ({
  PATH: userPath(),
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, ".config"),
  NPM_CONFIG_PREFIX: npmPrefix,
  LANG: "C.UTF-8",
});

/** The Linux block as a script: each line, then its exit code on a line of its own. */
function linuxScript() {
  const block = fenced(quickstart(), "sh");
  for (const line of [CLONE_LINE, INSTALL_LINE])
    assert.equal(block.split(line).length, 2, `the Linux block has '${line}' once:\n${block}`);
  const lines = block
    .replace(CLONE_LINE, `ln -s "${REPO_ROOT}" ~/src/grace-orchestrator-mcp`)
    .replace(INSTALL_LINE, "npm link")
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
  return lines.map((l, i) => `${l}\necho "::line ${i} exit $?::"`).join("\n");
}

const AGENTS = [
  { name: "glm-1", primary_role: "glm", mimo_model: "zai-coding-plan/glm-5.2" },
  { name: "junior-1", primary_role: "worker_junior", mimo_model: "xiaomi/mimo-v2.5" },
  { name: "pro-1", primary_role: "worker_pro", mimo_model: "zai/glm-4.7-flash" },
];
const state = { profiles: {}, called: [] };

/** Step 2, in Codex: the project, the three agents, a task, then each agent's profile (step 3). */
function firstSession(outputs) {
  const n = outputs.length;
  const taskAt = 2 + AGENTS.length;
  if (n > 1) state.projectId = toolJson(outputs[1]).id;
  if (n > taskAt) state.taskId = toolJson(outputs[taskAt]).id;
  AGENTS.forEach((a, i) => {
    if (n > taskAt + 1 + i) state.profiles[a.name] = toolJson(outputs[taskAt + 1 + i]);
  });
  const steps = [
    () => ["orchestrator_whoami", {}],
    () => [
      "project_init",
      {
        name: "myapp",
        repo_path: app,
        grace_path: "docs",
        main_branch: "main",
        allowed_test_commands: { unit: ["npm", "test"] },
      },
    ],
    ...AGENTS.map((a) => () => [
      "agent_register",
      { project_id: state.projectId, capabilities: [a.primary_role], ...a },
    ]),
    () => [
      "task_create_codex_task",
      {
        project_id: state.projectId,
        title: "Greet by name",
        objective: "hello(name) greets the person by name",
        architecture_intent: "One function in M-SRC",
        constraints: ["no new dependency"],
        non_goals: ["translations"],
        acceptance_criteria: ['hello("Ada") returns "Hello, Ada"'],
        allowed_files: ["src/**"],
        forbidden_files: [],
      },
    ],
    ...AGENTS.map((a) => () => [
      "mimo_connection_profile",
      { project_id: state.projectId, agent_name: a.name },
    ]),
  ];
  return n < steps.length ? toolCall(NAMESPACE, ...steps[n]()) : say("set up");
}

/** Step 4, in a new Codex session: the final review, acceptance, close. */
function closingSession(outputs) {
  const steps = [
    ["task_request_final_review", { task_id: state.taskId }],
    [
      "review_codex_submit",
      { task_id: state.taskId, decision: "accepted", findings: ["greets by name"], required_fixes: [] },
    ],
    ["task_close", { task_id: state.taskId }],
  ];
  if (outputs.length < steps.length) return toolCall(NAMESPACE, ...steps[outputs.length]);
  state.closed = toolJson(outputs[steps.length - 1]);
  return say("closed");
}
let model;
let watch;
const clients = [];

/** A user's repository with code in src/ and one commit, and their git identity. */
function makeUserRepo() {
  fs.mkdirSync(path.join(app, "src", "greeting"), { recursive: true });
  fs.writeFileSync(path.join(app, HELLO), 'export const hello = () => "Hello";\n');
  fs.writeFileSync(
    path.join(home, ".gitconfig"),
    "[user]\n\tname = Quick Start\n\temail = quickstart@example.invalid\n[commit]\n\tgpgsign = false\n",
  );
  git(app, "init", "-q", "-b", "main");
  git(app, "add", "-A");
  git(app, "commit", "-q", "-m", "hello");
}

/** `mimo` on the user's PATH is the shipped fake; it records its launches into mimoRecords. */
function installFakeMimo() {
  fs.mkdirSync(path.join(home, "bin"), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, "scripts", "demo", "fake-mimo.mjs"), path.join(home, "bin", "mimo"));
  fs.mkdirSync(path.join(home, ".config", "fake-mimo"), { recursive: true });
  fs.mkdirSync(mimoRecords);
  fs.writeFileSync(
    path.join(home, ".config", "fake-mimo", "config.json"),
    JSON.stringify({ record_dir: mimoRecords }),
  );
}

before(async () => {
  if (skip) return;
  fs.mkdirSync(path.join(home, "src"), { recursive: true });
  makeUserRepo();
  installFakeMimo();
  model = await startScriptedModel(({ body }) => {
    const { prompt, outputs } = outputsOf(body);
    return prompt.includes("Close task") ? closingSession(outputs) : firstSession(outputs);
  });
});

after(async () => {
  watch?.kill("SIGINT");
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  // The fake Mimo stays, as a TUI stays open until its window is closed.
  try {
    if (state.session) process.kill(state.session.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
  await model?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test("the Linux block runs as written: npm link, doctor, scaffold, the commit", { skip }, () => {
  const r = spawnSync("bash", ["-c", linuxScript()], {
    cwd: home,
    env: userEnv(),
    encoding: "utf8",
    timeout: 120_000,
  });
  const codes = [...r.stdout.matchAll(/::line (\d+) exit (\d+)::/g)].map((m) => Number(m[2]));
  const report = `${r.stdout}\n${r.stderr}`;
  assert.equal(codes.length, 5, report);
  // doctor's screen says what a fresh machine still lacks (no data dir yet, no identity): exit 1.
  const [checkout, link, doctor, scaffold, commit] = codes;
  assert.deepEqual([checkout, link, scaffold, commit], [0, 0, 0, 0], report);
  assert.ok(doctor === 0 || doctor === 1, report);
  assert.ok(fs.existsSync(path.join(npmPrefix, "bin", "grace-status")), "npm link put grace-status on PATH");
  // doctor looks at the same data dir the README's Codex block names, and finds `mimo`.
  const screen = (title) => r.stdout.slice(r.stdout.indexOf(`\n${title}\n`)).split("\n\n")[0];
  assert.ok(screen("Data dir").includes(dataDir), r.stdout);
  assert.match(screen("Mimo"), /✓/, r.stdout);
  assert.ok(screen("Mimo").includes(path.join(home, "bin", "mimo")), r.stdout);
  const log = spawnSync("git", ["log", "--format=%s", "--name-only", "-1"], { cwd: app, encoding: "utf8" });
  assert.match(log.stdout, /^GRACE artifacts\n/);
  assert.match(log.stdout, /docs\/requirements\.xml/);
  assert.match(log.stdout, /docs\/operational-packets\.xml/);
});

/** Codex as the README sets it up: ~/.codex/config.toml with its block, started in the repository. */
async function codexExec(prompt) {
  const run = await runCodex(CODEX, ["exec", "--json", prompt], {
    cwd: app,
    env: { PATH: userPath(), HOME: home },
  });
  assert.equal(run.code, 0, run.err);
  const calls = model.requests
    .filter((r) => outputsOf(r.body).prompt.includes(prompt))
    .map((r) => r.step)
    .filter((s) => s.kind === "call")
    .map((s) => s.name.replace("_", "."));
  state.called.push(...calls);
  return calls;
}

test(
  "step 1-3: Codex with the README's block registers the project, the agents, a task and prints their profiles",
  { skip, timeout: 180_000 },
  async () => {
    fs.mkdirSync(path.join(home, ".codex"));
    const block = readmeCodexBlock([[README_HOME, home]]);
    fs.writeFileSync(path.join(home, ".codex", "config.toml"), codexConfig(model.url, block));
    await codexExec("Set up GRACE for this repository.");
    assert.ok(state.taskId, "the task was created");
    for (const agent of AGENTS) {
      const profile = state.profiles[agent.name];
      assert.equal(profile?.env.GRACE_ORCHESTRATOR_ACTOR_NAME, agent.name);
      assert.equal(profile.env.GRACE_ORCHESTRATOR_DATA_DIR, dataDir);
    }
  },
);

/** An agent's server as Mimo starts it: the profile's command, args, cwd and env, in the user's environment. */
async function fromProfile(agentName) {
  const profile = state.profiles[agentName];
  const transport = new StdioClientTransport({
    command: profile.command,
    args: profile.args,
    cwd: profile.cwd,
    env: { ...userEnv(), ...profile.env },
    stderr: "pipe",
  });
  const client = new Client({ name: `mimo-${agentName}`, version: "0.0.0" });
  await client.connect(transport);
  clients.push(client);
  return {
    call: async (tool, args) => {
      const result = await client.callTool({ name: tool, arguments: args });
      assert.ok(!result.isError, `${tool} (${agentName}) refused: ${resultText(result)}`);
      state.called.push(tool);
      return resultValue(result);
    },
  };
}

function git(cwd, ...args) {
  const r = spawnSync("git", args, { cwd, env: userEnv(), encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test(
  "step 5, opened before the work: grace-status --watch from the linked bin shows the task",
  { skip },
  async () => {
    watch = spawn("grace-status", ["--watch"], {
      cwd: home,
      env: userEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    state.watchOut = "";
    watch.stdout.on("data", (d) => (state.watchOut += d));
    watch.stderr.on("data", (d) => (state.watchOut += d));
    for (let i = 0; i < 200 && !state.watchOut.includes("Greet by name"); i += 1)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(state.watchOut, /Greet by name/);
  },
);

test(
  "step 3: GLM, started from its profile, plans, cuts the package and launches Mimo",
  { skip },
  async () => {
    const glm = await fromProfile("glm-1");
    state.glm = glm;
    await glm.call("task.plan", { task_id: state.taskId });
    await glm.call("verification.register_plan", {
      task_id: state.taskId,
      test_strategy: "unit tests per module",
      test_commands: ["unit"],
    });
    const pkg = await glm.call("workpackage.create", {
      task_id: state.taskId,
      title: "hello takes a name",
      objective: 'hello(name) returns "Hello, <name>"',
      assigned_junior_agent: "junior-1",
      assigned_pro_agent: "pro-1",
      allowed_files: ["src/greeting/**"],
      forbidden_files: ["docs/**"],
      base_commit: git(app, "rev-parse", "HEAD"),
      commands_allowed: ["unit"],
      test_surface: ["hello greets by name"],
      stop_conditions: ["another module must change"],
      rollback_boundary: "the package's base commit",
    });
    state.packageId = pkg.id;
    await glm.call("workpackage.assign", { work_package_id: pkg.id });
    const session = await glm.call("mimo.launch_package", { work_package_id: pkg.id });
    state.session = session;
    const record = path.join(mimoRecords, `mimo-${session.pid}.json`);
    for (let i = 0; i < 200 && !fs.existsSync(record); i += 1) await new Promise((r) => setTimeout(r, 50));
    const launched = JSON.parse(fs.readFileSync(record, "utf8"));
    assert.equal(launched.executable, path.join(home, "bin", "mimo"));
    assert.equal(fs.realpathSync(launched.cwd), fs.realpathSync(session.workspace_path));
  },
);

test(
  "step 4: the worker, started from its profile, claims, commits and submits; GLM accepts",
  { skip },
  async () => {
    const junior = await fromProfile("junior-1");
    await junior.call("workpackage.claim", { work_package_id: state.packageId });
    const tree = state.session.workspace_path;
    fs.writeFileSync(path.join(tree, HELLO), "export const hello = (name) => `Hello, ${name}`;\n");
    git(tree, "add", "-A");
    git(tree, "commit", "-q", "-m", "hello takes a name");
    await junior.call("submission.create", {
      work_package_id: state.packageId,
      summary: "hello(name)",
      head_commit: git(tree, "rev-parse", "HEAD"),
      tests_run: [{ command_key: "unit", exit_code: 0 }],
      risk_notes: "low",
      worker_report: exampleWorkerReport({
        taskId: state.taskId,
        packageId: state.packageId,
        moduleId: "M-SRC",
        filesRead: ["docs/development-plan.xml", HELLO],
        filesChanged: [HELLO],
      }),
    });
    const review = await state.glm.call("review.glm_submit", {
      target_id: state.packageId,
      decision: "accepted",
      findings: [],
      required_fixes: [],
    });
    assert.equal(review.decision, "accepted");
  },
);

test(
  "step 4: Codex, in a new session, runs the final review and closes the task",
  { skip, timeout: 180_000 },
  async () => {
    const calls = await codexExec(`Close task ${state.taskId}.`);
    assert.deepEqual(calls, ["task.request_final_review", "review.codex_submit", "task.close"]);
    assert.equal(state.closed.status, "TASK_CLOSED");
  },
);

test("step 5: the open grace-status --watch shows the closed task", { skip }, async () => {
  for (let i = 0; i < 200 && !state.watchOut.includes("[TASK_CLOSED]"); i += 1)
    await new Promise((r) => setTimeout(r, 50));
  assert.match(
    state.watchOut.slice(state.watchOut.lastIndexOf("GRACE Orchestrator Status")),
    /\[TASK_CLOSED\]/,
  );
});

test("every tool the path called is named in the quickstart's steps", { skip }, () => {
  const text = quickstart();
  const missing = [...new Set(state.called)].filter(
    (t) => t !== "orchestrator.whoami" && !text.includes(`\`${t}\``),
  );
  assert.deepEqual(missing, []);
});
