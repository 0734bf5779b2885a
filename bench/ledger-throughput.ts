import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { identityFor } from "../src/config/identity.js";
import { openLedger } from "../src/ledger/database.js";
import { registerAgent } from "../src/service/agents.js";
import { createServiceContext, type ServiceContext } from "../src/service/context.js";
import { initProject } from "../src/service/projects.js";
import { createCodexTask, planTask } from "../src/service/tasks.js";
import { registerVerificationPlan } from "../src/service/verification.js";
import { median } from "./stats.js";
import { minimalTaskArgs } from "../test/helpers/mcp-client.js";

const TASKS = Number(process.argv[2] ?? 500);
const ROUNDS = 5;

const rates: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-ledger-"));
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-repo-"));
  const db = openLedger(dataDir);
  const codex = createServiceContext(db, identityFor("codex", "codex"), dataDir);
  const glm: ServiceContext = { ...codex, actor: identityFor("glm", "glm") };
  const project = await initProject(codex, {
    name: "bench",
    repo_path: repo,
    grace_path: ".",
    main_branch: "main",
    allowed_test_commands: { unit: ["node", "--test"] },
  });
  registerAgent(codex, { project_id: project.id, name: "glm", primary_role: "glm", capabilities: ["glm"] });
  const t0 = performance.now();
  for (let i = 0; i < TASKS; i += 1) {
    const task = createCodexTask(codex, minimalTaskArgs(project.id, `task ${i}`));
    planTask(glm, task.id);
    registerVerificationPlan(glm, { task_id: task.id, test_strategy: "s", test_commands: ["unit"] });
  }
  rates.push(TASKS / ((performance.now() - t0) / 1000));
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(repo, { recursive: true, force: true });
}
console.log(
  `ledger throughput (service layer, synchronous=FULL, one file): create + plan + verification plan = ` +
    `median ${median(rates).toFixed(0)} tasks/s over ${ROUNDS} rounds of ${TASKS} (min ${Math.min(...rates).toFixed(0)}, max ${Math.max(...rates).toFixed(0)})`,
);
