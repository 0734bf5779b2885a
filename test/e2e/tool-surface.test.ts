import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { call, callError, connect, tempDir, type Connected } from "../helpers/mcp-client.js";
import { RULE_SETS, checkTool, readHints, undescribed } from "../helpers/schema-rules.js";
import { PACKET_LABEL_SPECS, WORKER_REPORT_LABEL_SPECS, canonicalKey } from "../../src/gates/labels.js";

const ROLES = ["user", "codex", "glm", "test_owner", "worker_junior", "worker_pro"] as const;

/** Parameters whose name and type say all an agent needs; every other parameter is described. */
const SELF_EXPLAINING = new Set([
  "acceptance_criteria",
  "constraints",
  "decision",
  "entity_id",
  "entity_type",
  "event_type",
  "forbidden_files",
  "main_branch",
  "model",
  "name",
  "non_goals",
  "objective",
  "older_than_hours",
  "primary_role",
  "provider",
  "reasoning_profile",
  "resolution_data",
  "test_strategy",
  "title",
  "unavailable_role",
]);

const LABEL_KEYS = new Set(
  [...WORKER_REPORT_LABEL_SPECS, ...PACKET_LABEL_SPECS].map((s) => canonicalKey(s.label)),
);

/**
 * Whether a bare parameter is explained by its name: a self-explaining name, or a field of a typed
 * report or packet (and a packet label given as a workpackage.create argument) named after its
 * gate label.
 */
function explainedByName(tool: string, param: string): boolean {
  const leaf = param.split(".").at(-1)!;
  if (SELF_EXPLAINING.has(leaf)) return true;
  const labelled = param.includes(".") || tool === "workpackage.create";
  return labelled && (LABEL_KEYS.has(leaf) || leaf === "work_package_id");
}
const PORTABLE_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Tools whose answers agents act on: each declares an output schema. */
const WITH_OUTPUT = [
  "orchestrator.whoami",
  "task.get_next_action",
  "task.get_summary",
  "handoff.wait_for_event",
  "workpackage.claim",
  "submission.create",
  "gate.contract_discovery",
  "gate.validate_execution_packet",
  "gate.validate_worker_report",
  "gate.agent_infra_lint",
  "gate.acceptance_review",
];

const DESTRUCTIVE = [
  "task.force_transition",
  "workpackage.force_reset",
  "workpackage.cancel",
  "mimo.cancel_session",
  "mimo.cleanup_worktrees",
  "role.revoke",
];

/** Every tool the role's server registers (not only the ones an unregistered name can reach). */
async function listAs(dataDir: string, role: string, env: Record<string, string> = {}) {
  const c = await connect(
    dataDir,
    { name: `${role}-surface`, role },
    { GRACE_ORCHESTRATOR_TOOL_LIST: "role", ...env },
  );
  try {
    return (await c.client.listTools()).tools;
  } finally {
    await c.close();
  }
}

describe("the tool surface every client can read", () => {
  const dataDir = tempDir("surface-data");
  const lists = new Map<string, Tool[]>();
  const underscored = new Map<string, Tool[]>();

  beforeAll(async () => {
    for (const role of ROLES) {
      lists.set(role, await listAs(dataDir, role));
      underscored.set(role, await listAs(dataDir, role, { GRACE_ORCHESTRATOR_TOOL_NAMES: "underscore" }));
    }
  }, 60_000);

  test.each(RULE_SETS.flatMap((rules) => ROLES.map((role) => [rules.name, role] as const)))(
    "%s rules hold for every tool of %s, in both namings",
    (ruleName, role) => {
      const rules = RULE_SETS.find((r) => r.name === ruleName)!;
      const broken = [...lists.get(role)!, ...underscored.get(role)!].flatMap((t) =>
        checkTool(t as never, rules).map((v) => `${t.name} ${v}`),
      );
      expect(broken).toEqual([]);
    },
  );

  test.each(ROLES)("every %s parameter whose name does not explain it is described, at any depth", (role) => {
    const unexplained = lists
      .get(role)!
      .flatMap((t) => undescribed(t.inputSchema).map((p) => [t.name, p] as const))
      .filter(([tool, p]) => !explainedByName(tool, p))
      .map(([tool, p]) => `${tool}.${p}`);
    expect(unexplained).toEqual([]);
  });

  test("every tool a description says an id comes from is a tool of this server", () => {
    const all = new Set(ROLES.flatMap((role) => lists.get(role)!.map((t) => t.name)));
    const named = ROLES.flatMap((role) =>
      lists
        .get(role)!
        .flatMap((t) => [...JSON.stringify(t.inputSchema).matchAll(/From ([a-z_]+\.[a-z_]+)/g)]),
    ).map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((n) => !all.has(n))).toEqual([]);
  });

  test("the worker report and the execution packet show every label as a named field", () => {
    const codex = new Map(lists.get("codex")!.map((t) => [t.name, t]));
    const props = (tool: string, arg: string) =>
      Object.keys(
        (codex.get(tool)!.inputSchema.properties as Record<string, { properties: object }>)[arg]!.properties,
      );
    expect(props("submission.create", "worker_report")).toHaveLength(18);
    expect(props("gate.validate_worker_report", "worker_report")).toContain("files_changed");
    expect(props("gate.validate_execution_packet", "packet")).toHaveLength(40);
    expect(props("gate.validate_execution_packet", "packet")).toContain("contract_discovery_report");
  });

  test("fixed sets are enums an agent can read", () => {
    const codex = new Map(lists.get("codex")!.map((t) => [t.name, t]));
    const prop = (tool: string, arg: string) =>
      (codex.get(tool)!.inputSchema.properties as Record<string, Record<string, unknown>>)[arg]!;
    expect(prop("review.codex_submit", "decision").enum).toEqual([
      "accepted",
      "rejected_repair_required",
      "blocked",
    ]);
    expect(prop("agent.register", "primary_role").enum).toContain("worker_junior");
    expect((prop("agent.register", "capabilities").items as { enum: string[] }).enum).toContain("glm");
    expect(prop("agent.set_availability", "availability").enum).toEqual(["available", "unavailable"]);
    expect(prop("handoff.report_worker_event", "event_type").enum).toEqual([
      "WORKER_BLOCKED",
      "WORKER_NEEDS_CONTROLLER",
      "WORKER_FAILED",
    ]);
    expect(prop("task.force_transition", "entity_type").enum).toEqual([
      "task",
      "work_package",
      "workpackage",
    ]);
    expect(prop("task.force_transition", "target_status").enum).toContain("TASK_CLOSED");
    expect(prop("mimo.launch_package", "mode").enum).toEqual(["tui", "headless"]);
  });

  test("output schemas are declared for the answers agents act on, and only those", () => {
    const withOutput = lists
      .get("codex")!
      .filter((t) => t.outputSchema)
      .map((t) => t.name)
      .sort();
    expect(withOutput).toEqual([...WITH_OUTPUT].sort());
  });

  test("annotations tell the truth under the protocol's defaults: destructive tools say so, readers read only", () => {
    const all = [...lists.get("codex")!, ...lists.get("glm")!];
    const hints = new Map(all.map((t) => [t.name, readHints(t.annotations)]));
    for (const name of DESTRUCTIVE) expect(hints.get(name), name).toMatchObject({ destructive: true });
    expect(all.find((t) => t.name === "task.get")!.annotations).toEqual({
      readOnlyHint: true,
      openWorldHint: false,
    });
    expect(hints.get("task.create_codex_task")).toMatchObject({ readOnly: false, destructive: false });
    expect(hints.get("continuation.ack")).toMatchObject({ idempotent: true, destructive: false });
    expect(hints.get("repo.run_tests")).toMatchObject({ openWorld: true });
    expect(hints.get("workpackage.claim")).toEqual({
      readOnly: false,
      destructive: false,
      idempotent: false,
      openWorld: false,
    });
  });

  test.each(ROLES)("underscore naming: every %s tool name is portable and maps one to one", (role) => {
    const dotted = lists.get(role)!.map((t) => t.name);
    const names = underscored.get(role)!.map((t) => t.name);
    for (const n of names) expect(n).toMatch(PORTABLE_NAME);
    expect(names).toEqual(dotted.map((n) => n.replaceAll(".", "_")));
    const text = JSON.stringify(underscored.get(role));
    const stray = dotted.filter((n) => text.includes(`${n}`) && !names.includes(n));
    expect(stray).toEqual([]);
  });
});

describe("a client that refuses dots works through underscore names", () => {
  const dataDir = tempDir("surface-underscore");
  const repo = tempDir("surface-repo");
  let codex: Connected;

  beforeAll(async () => {
    codex = await connect(
      dataDir,
      { name: "codex-main", role: "codex" },
      { GRACE_ORCHESTRATOR_TOOL_NAMES: "underscore" },
    );
  });
  afterAll(async () => {
    await codex?.close();
  });

  test("whoami, instructions, prompts and refusals all name tools as exposed", async () => {
    const me = await call<{ actor_name: string; primary_role: string }>(codex, "orchestrator_whoami");
    expect(me).toMatchObject({ actor_name: "codex-main", primary_role: "codex" });
    expect(await callError(codex, "orchestrator.whoami")).toContain("orchestrator.whoami not found");
    expect(codex.client.getInstructions()).toContain("Call orchestrator_whoami first");
    const prompt = await codex.client.getPrompt({ name: "mimo_connect_orchestrator" });
    const promptText = prompt.messages.map((m) => (m.content.type === "text" ? m.content.text : "")).join("");
    expect(promptText).toContain("mimo_connection_profile");
    expect(promptText).toContain("orchestrator_whoami");
    expect(promptText).not.toContain("orchestrator.whoami");
    const project = await call<{ id: number }>(codex, "project_init", {
      name: "p",
      repo_path: repo,
      grace_path: "docs",
      main_branch: "main",
    });
    expect(
      await callError(codex, "repo_diff", { project_id: project.id, submission_id: 1, scope: "all" }),
    ).toBe("repo_diff takes submission_id or scope/file_list, not both");
  });
});
