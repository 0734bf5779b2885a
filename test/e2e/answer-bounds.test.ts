import { createHash } from "node:crypto";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect, test } from "vitest";
import { newEventId } from "../../src/handoff/outbox.js";
import { inTransaction, openLedger } from "../../src/ledger/database.js";
import {
  STORE,
  commitFiles,
  createPackage,
  makeGraceRepo,
  planTask,
  workerReport,
  type Result,
  type Who,
} from "../helpers/git-repo-lifecycle.js";
import { at, num, objects, str } from "../helpers/answer.js";
import { writeFile } from "../helpers/git-repo.js";
import { resultText, resultValue } from "../helpers/mcp-client.js";
import { useMcpWorld } from "../helpers/mcp-world.js";

// The bounds as the README states them; written out so a change to the source shows up here.
const ANSWER = 64 * 1024;
const LOOP = 12 * 1024;
const EVENTS = 30_000;

const { dataDir, world } = useMcpWorld("answer-bounds");

/** Calls over MCP and checks the whole result (what crosses the wire) against the bound. */
async function bounded(who: Who, tool: string, args: Record<string, unknown>, bound: number) {
  const result = (await world().servers[who].client.callTool({
    name: tool,
    arguments: args,
  })) as CallToolResult;
  const bytes = Buffer.byteLength(JSON.stringify(result), "utf8");
  expect(result.isError, `${tool}: ${resultText(result).slice(0, 300)}`).toBeFalsy();
  expect(bytes, `${tool} answered ${bytes} bytes`).toBeLessThanOrEqual(bound);
  return resultValue<Result>(result);
}

/** About 5 MB of in-scope source: many distinct lines, as a generated file would be. */
function fiveMegabytes(): string {
  const lines: string[] = [];
  for (let i = 0; lines.length * 64 < 5 * 1024 * 1024; i += 1) {
    lines.push(`export const order_${i} = { id: ${i}, note: "line ${i} of the generated table" };`);
  }
  return `${lines.join("\n")}\n`;
}

/** Rows written straight into the real ledger (one prepared insert, one transaction) with the next seqs. */
function seedEvents(packageId: number, ids: { projectId: number; taskId: number }) {
  const db = openLedger(dataDir);
  try {
    const insert = db.prepare(
      `INSERT INTO handoff_events (event_id, project_id, task_id, work_package_id, seq, type, worker, payload_json, created_at)
       VALUES (?, ?, ?, ?, ?, 'WORKER_BLOCKED', 'junior-1', ?, ?)`,
    );
    inTransaction(db, () => {
      const { last } = db
        .prepare("SELECT MAX(seq) AS last FROM handoff_events WHERE work_package_id = ?")
        .get(packageId) as { last: number };
      const now = new Date().toISOString();
      for (let i = 1; i <= EVENTS; i += 1) {
        const payload = JSON.stringify({ message: `blocked ${i}` });
        insert.run(newEventId(), ids.projectId, ids.taskId, packageId, last + i, payload, now);
      }
    });
  } finally {
    db.close();
  }
}

test("a 5 MB in-scope diff and 30,000 events: every answer stays within its bound and the clients keep working", async () => {
  const call = world().call;
  const { repo, base } = makeGraceRepo();
  const planned = await planTask(call, repo);
  const pkg = await createPackage(call, planned.taskId, base);
  await call("junior", "workpackage.claim", { work_package_id: pkg.id });
  const head = commitFiles(repo, { [STORE]: fiveMegabytes() });

  // The submission's own answer used to carry the diff (and was sent twice): over 10 MB.
  const submitted = await bounded(
    "junior",
    "submission.create",
    {
      work_package_id: pkg.id,
      summary: "generated order table",
      head_commit: head,
      tests_run: [{ command_key: "unit", exit_code: 0 }],
      risk_notes: "large generated file",
      worker_report: workerReport(planned.taskId, pkg.id, [STORE]),
    },
    ANSWER,
  );
  expect(submitted.diff_bytes).toBeGreaterThan(5 * 1024 * 1024);
  expect(submitted.files_changed).toEqual([STORE]);

  const task = await bounded("codex", "task.get", { task_id: planned.taskId }, ANSWER);
  expect(at(task, "submissions", 0, "diff_bytes")).toBe(submitted.diff_bytes);
  expect(at(task, "submissions", 0)).not.toHaveProperty("diff");

  // The whole diff, page by page: the same bytes git produced (its hash is the submission's).
  const hash = createHash("sha256");
  let offset: number | null = 0;
  let pages = 0;
  while (offset !== null) {
    const page: Result = await bounded(
      "glm",
      "repo.diff",
      { project_id: planned.projectId, submission_id: submitted.id, offset, limit: 48 * 1024 },
      ANSWER,
    );
    hash.update(str(page, "diff"), "utf8");
    expect(page.total_bytes).toBe(submitted.diff_bytes);
    offset = page.next_offset === null ? null : num(page, "next_offset");
    pages += 1;
  }
  expect(hash.digest("hex")).toBe(submitted.diff_hash);
  expect(pages).toBeGreaterThan(100);

  // A 5 MB uncommitted working-tree change: the first page, and the size of the whole.
  writeFile(repo, STORE, fiveMegabytes().replaceAll("generated", "edited"));
  const working = await bounded("glm", "repo.diff", { project_id: planned.projectId }, ANSWER);
  expect(working.has_more).toBe(true);
  expect(working.total_bytes).toBeGreaterThan(5 * 1024 * 1024);

  seedEvents(pkg.id, planned);

  const listed = await bounded("codex", "handoff.list_events", { work_package_id: pkg.id }, LOOP);
  expect(listed.event_count).toBe(EVENTS + 1);
  expect(listed.has_more).toBe(true);
  const page = await bounded(
    "glm",
    "handoff.list_events_page",
    { work_package_id: pkg.id, after_event_id: listed.next_after_id, limit: 200 },
    LOOP,
  );
  // The page continues exactly where list_events stopped.
  expect(at(page, "items", 0, "seq")).toBe(num(objects(listed, "events").at(-1), "seq") + 1);
  expect(page.has_more).toBe(true);

  const waited = await bounded(
    "codex",
    "handoff.wait_for_event",
    { work_package_id: pkg.id, after_event_count: 0, timeout_seconds: 5 },
    LOOP,
  );
  expect(waited.status).toBe("event");
  expect(waited.has_more).toBe(true);
  // Every event shown is a worker's trigger event: each one's held keys fit the same bound.
  expect(objects(waited, "held").map((h) => h.source_event_id)).toEqual(
    objects(waited, "events").map((e) => e.event_id),
  );
  // The cursor stops at the last event shown, so the next wait starts with the first one not seen.
  expect(waited.next_after_event_id).toBe(at(objects(waited, "events").at(-1), "event_id"));
  const next = await bounded(
    "codex",
    "handoff.wait_for_event",
    { task_id: planned.taskId, after_event_id: waited.next_after_event_id, timeout_seconds: 5 },
    LOOP,
  );
  expect(at(next, "events", 0, "seq")).toBe(num(objects(waited, "events").at(-1), "seq") + 1);

  await bounded("glm", "task.get_summary", { task_id: planned.taskId }, LOOP);
  await bounded("junior", "workpackage.get_summary", { work_package_id: pkg.id }, LOOP);
  await bounded("codex", "task.get_next_action", { task_id: planned.taskId }, LOOP);
  await bounded("codex", "task.get", { task_id: planned.taskId }, ANSWER);

  // Every client is still connected and answering.
  for (const who of ["codex", "glm", "junior", "pro"] as const) {
    const me = await bounded(who, "orchestrator.whoami", {}, LOOP);
    expect(me.actor_name).toBeTruthy();
  }
}, 180_000);
