import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { identityFor } from "../src/config/identity.js";
import { openLedger } from "../src/ledger/database.js";
import { registerAgent } from "../src/service/agents.js";
import { createServiceContext, type ServiceContext } from "../src/service/context.js";
import { inboxList, inboxNext } from "../src/service/inbox.js";
import { initProject } from "../src/service/projects.js";
import { createCodexTask } from "../src/service/tasks.js";
import { fmt, median, percentile } from "./stats.js";
import { minimalTaskArgs } from "../test/helpers/mcp-client.js";

// Every task waits for GLM's plan, so each is a candidate whose role check GLM's inbox must run.
const TASKS = Number(process.argv[2] ?? 1_000);
const TRIALS = 50;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-inbox-"));
const repo = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-repo-"));
const db = openLedger(dataDir);
const codex = createServiceContext(db, identityFor("codex", "codex"), dataDir);
const glm: ServiceContext = { ...codex, actor: identityFor("glm", "glm") };
const junior: ServiceContext = { ...codex, actor: identityFor("junior", "worker_junior") };
const project = await initProject(codex, {
  name: "bench",
  repo_path: repo,
  grace_path: ".",
  main_branch: "main",
  allowed_test_commands: {},
});
registerAgent(codex, { project_id: project.id, name: "glm", primary_role: "glm", capabilities: ["glm"] });
for (let i = 0; i < TASKS; i += 1) {
  createCodexTask(codex, minimalTaskArgs(project.id, `task ${i}`));
}

function measure(label: string, run: () => unknown): void {
  run();
  const times: number[] = [];
  for (let i = 0; i < TRIALS; i += 1) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  console.log(`  ${label}: median ${fmt(median(times))}, p90 ${fmt(percentile(times, 90))}`);
}

console.log(`inbox with ${TASKS} tasks awaiting GLM's plan (service layer, ${TRIALS} trials)`);
measure("glm inbox.next", () => inboxNext(glm, null));
measure("glm inbox.list limit 50", () => inboxList(glm, null, 50));
measure("junior inbox.next (nothing for it)", () => inboxNext(junior, null));
db.close();
codex.signal.close();
fs.rmSync(dataDir, { recursive: true, force: true });
fs.rmSync(repo, { recursive: true, force: true });
