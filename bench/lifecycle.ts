/**
 * One full lifecycle (project → task → plan → package → junior submit → GLM reject → Pro repair →
 * GLM accept → final review with auto-imported artifacts → Codex accept closes), with git evidence
 * on a small real repo: through the tool handlers in-process, and over MCP with one real server
 * process per identity. Repos and worker commits are made before the clock starts.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { tempDir } from "../test/helpers/git-repo.js";
import {
  commitFiles,
  fullLifecycle,
  inProcessCaller,
  makeGraceRepo,
  mcpCaller,
  STORE,
  type Caller,
} from "../test/helpers/git-repo-lifecycle.js";
import { fmt, fmtTail, median, percentile, tailLabel } from "./stats.js";

const ROUNDS = Number(process.argv[2] ?? 9);

/** A fresh repo with the two worker commits already made. */
function preparedRepo() {
  const { repo, base } = makeGraceRepo();
  const heads = [1, 2].map((n) => commitFiles(repo, { [STORE]: `// revision ${n}\n` }));
  return { repo, base, commit: (n: number) => heads[n - 1]! };
}

/** The tool names one lifecycle called, in order: the text below quotes these counts, not a guess. */
let called: string[] = [];

async function timeRounds(caller: Caller): Promise<number[]> {
  const times: number[] = [];
  const counting: Caller["call"] = (who, tool, args) => {
    called.push(tool);
    return caller.call(who, tool, args);
  };
  for (let i = 0; i < ROUNDS + 1; i += 1) {
    const { repo, base, commit } = preparedRepo();
    called = [];
    const t0 = performance.now();
    const r = await fullLifecycle(counting, repo, base, commit);
    const ms = performance.now() - t0;
    if (r.codex!.task_status !== "TASK_CLOSED") throw new Error("lifecycle did not close the task");
    if (i > 0) times.push(ms); // round 0 warms up JIT and caches
  }
  return times;
}

const inProcess = inProcessCaller(tempDir("grace-bench-life-"));
const serviceTimes = await timeRounds(inProcess);
await inProcess.close();

const mcp = await mcpCaller(tempDir("grace-bench-life-mcp-"));
const mcpTimes = await timeRounds(mcp);
const identities = Object.keys(mcp.servers);
await mcp.close();

const calls = called.length;
const agents = called.filter((tool) => tool === "agent.register").length;
const rows = [
  ["tool handlers in-process (service layer)", serviceTimes],
  [`MCP, ${identities.length} server processes (${identities.join(", ")})`, mcpTimes],
] as const;
console.log(
  `${calls} tool calls per lifecycle, ${agents} agents registered; load average ${os.loadavg()[0]!.toFixed(1)}`,
);
for (const [label, t] of rows) {
  console.log(`${label}: median ${fmt(median(t))}, ${fmtTail(t, 90)} over ${t.length} runs`);
}

const machine = `${os.cpus().length} cores, ${os.type()} ${os.release()}, Node ${process.versions.node}`;
const fragment = [
  "### Full lifecycle (`bench/lifecycle.ts`)",
  "",
  `Create → closed for one task with one package: project.init, ${agents} agents, task, plan, verification`,
  "plan, workpackage.create (contract discovery on the GRACE sample + packet gate) and assign, junior",
  "claim and submission (git evidence), GLM rejection, Pro claim and submission, GLM acceptance, final",
  "review (six artifacts auto-imported from docs/*.xml), Codex acceptance (closes the task), task.close.",
  `${calls} tool calls per lifecycle. Each round uses a fresh GRACE-sample repo whose two worker commits exist`,
  "before the clock starts; one warm-up round is dropped. MCP servers are started once (start-up excluded).",
  "",
  "Run: `npx tsc -p tsconfig.json && node dist/bench/lifecycle.js [rounds]`",
  "",
  `Machine: ${machine} (Debian 12 container).`,
  "",
  `| path | median | ${tailLabel(ROUNDS, 90)} | runs |`,
  "| --- | --- | --- | --- |",
  ...rows.map(([label, t]) => `| ${label} | ${fmt(median(t))} | ${fmt(percentile(t, 90))} | ${t.length} |`),
  "",
].join("\n");
console.log(fragment);
