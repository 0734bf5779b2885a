import { afterAll, beforeAll, expect, test } from "vitest";
import { at, num, parsed, record, str } from "../helpers/answer.js";
import {
  STORE,
  commitFiles,
  createPackage,
  makeGraceRepo,
  planTask,
  submit,
  type Result,
} from "../helpers/git-repo-lifecycle.js";
import { connect, type Connected } from "../helpers/mcp-client.js";
import { useMcpWorld } from "../helpers/mcp-world.js";

const { dataDir, world } = useMcpWorld("record-res");
let stranger: Connected, owner: Connected;
let projectId = 0;
let submissionId = 0;
let reviewId = 0;

async function read(c: Connected, uri: string): Promise<Result> {
  const result = await c.client.readResource({ uri });
  return record(parsed(str(result.contents, 0, "text")));
}

beforeAll(async () => {
  [stranger, owner] = await Promise.all([
    connect(dataDir, { name: "junior-9", role: "worker_junior" }),
    connect(dataDir, { name: "owner-1", role: "test_owner" }),
  ]);
  const { repo, base } = makeGraceRepo();
  const planned = await planTask(world().call, repo);
  projectId = planned.projectId;
  const pkg = await createPackage(world().call, planned.taskId, base);
  await world().call("junior", "workpackage.claim", { work_package_id: pkg.id });
  const head = commitFiles(repo, { [STORE]: "export const saveOrder = () => 'checked';\n" });
  submissionId = num(await submit(world().call, "junior", planned.taskId, pkg.id, head, [STORE]), "id");
  const review = await world().call("glm", "review.glm_submit", {
    target_id: pkg.id,
    decision: "rejected_repair_required",
    findings: ["no duplicate test"],
    required_fixes: ["add the duplicate test"],
  });
  reviewId = num(review, "id");
});
afterAll(async () => {
  await Promise.all([stranger?.close(), owner?.close()]);
});

test("a worker reads its own submission, with the diff summarised; nobody else's", async () => {
  const own = await read(world().servers.junior, `orchestrator://submission/${submissionId}`);
  expect(own).toMatchObject({ id: submissionId, submitted_by_agent: "junior-1", files_changed: [STORE] });
  expect(own.diff).toBeUndefined();
  expect(own.diff_summary).toContain(`Files Changed (1): ${STORE}`);
  expect(own.diff_summary).toMatch(/Stats: \+1 \/ -\d+ lines across \d+ hunks\./);
  expect(own.diff_bytes).toBeGreaterThan(0);
  // The package's Pro works on the same package but did not submit this.
  await expect(
    world().servers.pro.client.readResource({ uri: `orchestrator://submission/${submissionId}` }),
  ).rejects.toThrow(/not authorized to read submission/);
  await expect(
    world().servers.codex.client.readResource({ uri: "orchestrator://submission/999" }),
  ).rejects.toThrow("Submission not found: 999");
});

test("reviews: the package's workers read them, another worker and an unregistered test owner do not", async () => {
  for (const c of [world().servers.junior, world().servers.pro, world().servers.codex]) {
    expect(await read(c, `orchestrator://review/${reviewId}`)).toMatchObject({
      id: reviewId,
      decision: "rejected_repair_required",
      findings: ["no duplicate test"],
    });
  }
  await world().call("codex", "agent.register", {
    project_id: projectId,
    name: "junior-9",
    primary_role: "worker_junior",
    capabilities: ["worker_junior"],
  });
  await expect(stranger.client.readResource({ uri: `orchestrator://review/${reviewId}` })).rejects.toThrow(
    /not authorized to read work package/,
  );
  // An unregistered test owner holds no role the ledger grants.
  await expect(owner.client.readResource({ uri: `orchestrator://review/${reviewId}` })).rejects.toThrow(
    /ACTOR_ROLE_NOT_GRANTED/,
  );
  await expect(world().servers.glm.client.readResource({ uri: "orchestrator://review/999" })).rejects.toThrow(
    "Review not found: 999",
  );
});

test("project/{id}/active is the project's status snapshot, authorized like the project", async () => {
  const active = await read(world().servers.glm, `orchestrator://project/${projectId}/active`);
  expect(active.projects_count).toBe(1);
  expect(at(active, "projects", 0)).toMatchObject({ id: projectId, name: "orderdesk" });
  expect(at(active, "projects", 0, "tasks", 0, "work_packages", 0, "status")).toBe("REPAIR_REQUIRED");
  await expect(
    owner.client.readResource({ uri: `orchestrator://project/${projectId}/active` }),
  ).rejects.toThrow(/ACTOR_ROLE_NOT_GRANTED/);
  // Workers have neither the snapshot nor the session resource.
  const templates = await world().servers.junior.client.listResourceTemplates();
  const names = templates.resourceTemplates.map((t) => t.uriTemplate);
  expect(names).toContain("orchestrator://submission/{id}");
  expect(names).toContain("orchestrator://review/{id}");
  expect(names).not.toContain("orchestrator://project/{id}/active");
  expect(names).not.toContain("orchestrator://mimo-session/{id}");
  await expect(
    world().servers.codex.client.readResource({ uri: "orchestrator://mimo-session/999" }),
  ).rejects.toThrow(/does not exist/);
});
