// mimo.launch_package end to end (PREPARED row, `git worktree add --detach`, briefing, fixed-argv
// spawn of a fake mimo, process identity, WORKER_STARTED through the outbox) on a repo with 5,000
// files: median and p90 per launch. Each launch dispatches a fresh ASSIGNED package.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { identityFor } from "../src/config/identity.js";
import { openLedger } from "../src/ledger/database.js";
import { registerAgent } from "../src/service/agents.js";
import { createServiceContext } from "../src/service/context.js";
import { launchPackage } from "../src/service/mimo-launch.js";
import { initProject } from "../src/service/projects.js";
import { createCodexTask } from "../src/service/tasks.js";
import { fmt, median, percentile } from "./stats.js";

const FILES = 5_000;
const RUNS = Number(process.argv[2] ?? 15);
const ROOT = path.resolve(import.meta.dirname, "..", "..");
const FAKE_MIMO = path.join(ROOT, "scripts", "demo", "fake-mimo.mjs");

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
}

const actor = identityFor;

function makeRepo(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.name", "Bench");
  git(dir, "config", "user.email", "bench@example.invalid");
  git(dir, "config", "commit.gpgsign", "false");
  for (let i = 0; i < FILES; i++) {
    const rel = path.join("src", `mod${String(i % 50).padStart(2, "0")}`, `file${i}.ts`);
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), `export const value${i} = ${i};\n`);
  }
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "5,000 files");
  return git(dir, "rev-parse", "HEAD");
}

async function main(): Promise<void> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-mimo-")));
  const repo = path.join(root, "repo");
  const dataDir = path.join(root, "data");
  const records = path.join(root, "records");
  fs.mkdirSync(records);
  const base = makeRepo(repo);
  const db = openLedger(dataDir);
  const codex = createServiceContext(db, actor("codex-main", "codex"), dataDir);
  const glm = createServiceContext(db, actor("glm-1", "glm"), dataDir);
  const project = await initProject(codex, {
    name: "bench",
    repo_path: repo,
    grace_path: ".",
    main_branch: "main",
  });
  registerAgent(codex, { project_id: project.id, name: "glm-1", primary_role: "glm", capabilities: ["glm"] });
  registerAgent(codex, {
    project_id: project.id,
    name: "junior",
    primary_role: "worker_junior",
    capabilities: ["worker_junior"],
    mimo_model: "xiaomi/mimo-v2.5",
  });
  const task = createCodexTask(codex, {
    project_id: project.id,
    title: "bench",
    objective: "bench",
    architecture_intent: "",
    constraints: [],
    non_goals: [],
    acceptance_criteria: [],
    allowed_files: ["src/**"],
    forbidden_files: [],
  });
  const runtime = {
    command: FAKE_MIMO,
    env: { PATH: process.env.PATH ?? "", HOME: root, FAKE_MIMO_RECORD_DIR: records },
  };
  const insert = db.prepare(
    `INSERT INTO work_packages (task_id, title, objective, allowed_files_json, forbidden_files_json, assigned_junior_agent,
       base_commit, status, created_at, updated_at)
     VALUES (?, 'p', 'o', '["src/**"]', '[]', 'junior', ?, 'ASSIGNED', ?, ?)`,
  );
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const now = new Date().toISOString();
    const pkg = Number(insert.run(task.id, base, now, now).lastInsertRowid);
    const t0 = performance.now();
    const s = await launchPackage(glm, runtime, { work_package_id: pkg, mode: "tui" });
    const ms = performance.now() - t0;
    if (i > 0) times.push(ms); // the first launch warms caches and is dropped
    fs.writeFileSync(path.join(records, `exit-${s.pid}`), "");
  }
  fs.writeFileSync(path.join(records, "exit-all"), "");
  // Baseline: the bare git command the launch is built around, on the same repo.
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    execFileSync("git", ["worktree", "add", "--detach", path.join(root, "bare", String(i)), base], {
      cwd: repo,
      stdio: "ignore",
    });
    bare.push(performance.now() - t0);
  }
  console.log(`mimo.launch_package on a ${FILES}-file repo, ${times.length} launches (fresh package each)`);
  console.log(
    `  median ${fmt(median(times))}  p90 ${fmt(percentile(times, 90))}  min ${fmt(Math.min(...times))}  max ${fmt(Math.max(...times))}`,
  );
  console.log(
    `  bare git worktree add --detach: median ${fmt(median(bare))}  p90 ${fmt(percentile(bare, 90))}`,
  );
  codex.signal.close();
  glm.signal.close();
  db.close();
  fs.rmSync(root, { recursive: true, force: true });
}

await main();
