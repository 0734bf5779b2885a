import { expect, test } from "vitest";
import type { ContinuationContext } from "../../src/continuation/context.js";
import { renderPrompt } from "../../src/continuation/prompt.js";
import { exposedToolName, TOOL_NAMINGS } from "../../src/domain/tool-names.js";
import { allTools } from "../../src/tools/index.js";
import { toolsForRole } from "../../src/tools/registry.js";

const context: ContinuationContext = {
  run_id: "project-1/task-2/package-3",
  continuation_id: "cont_1",
  source_event_id: "evt_1",
  attempt_id: "att_1",
  attempt_count: 1,
  project_id: 1,
  task_id: 2,
  work_package_id: 3,
  event_index: 1,
  events_path: "/data/runs/project-1/task-2/package-3/events.ndjson",
  host_events_path: "/data/runs/project-1/task-2/package-3/host-events.ndjson",
  run_root: "/data/runs/project-1/task-2/package-3",
  trigger_event: { type: "WORKER_READY_FOR_REVIEW" },
  trigger_event_type: "WORKER_READY_FOR_REVIEW",
  worker_id: "junior-1",
  worker_worktree: null,
  handoff_report_path: null,
  controller_metadata: {},
  controller_session_id: null,
  controller_state: {
    task_status: "WORK_PACKAGES_ASSIGNED",
    package_status: "SUBMITTED",
    latest_review_decision: null,
  },
  project: { repo_path: "/repo" },
  task: { title: "t", objective: "o", architecture_intent: "a" },
  package: { title: "p", objective: "o" },
  module_id: null,
  verification_id: null,
  latest_session: null,
  latest_submission: null,
  latest_review: null,
};

// Codex's server lists these, but each refuses Codex unless GLM authority was delegated to it.
const GLM_ACTS = [
  "review.glm_submit",
  "task.plan",
  "verification.register_plan",
  "workpackage.create",
  "workpackage.assign",
  "workpackage.cancel",
  "repo.run_tests",
  "mimo.launch_package",
];

const codexTools = toolsForRole(
  allTools({ wait: { toolCallLimitSeconds: 60, transportGraceSeconds: 10 } }),
  "codex",
).map((t) => t.name);

test.each(TOOL_NAMINGS)(
  "%s naming: every tool the continuation prompt names is one the revived Codex controller may call",
  (naming) => {
    const prompt = renderPrompt(context, naming);
    const exposed = codexTools.map((t) => exposedToolName(t, naming));
    // Backticked lower-case words with a dot or an underscore: tool names in either naming.
    const named = [...prompt.matchAll(/`([a-z]+[._][a-z_]+)`/g)].map((m) => m[1]!);
    expect(named).toEqual(
      expect.arrayContaining(
        ["continuation.ack", "continuation.resolve", "handoff.escalate_to_user"].map((t) =>
          exposedToolName(t, naming),
        ),
      ),
    );
    for (const tool of named) {
      expect(exposed, `${tool} is not in codex's tool set as exposed`).toContain(tool);
      expect(
        GLM_ACTS.map((t) => exposedToolName(t, naming)),
        `${tool} needs GLM authority`,
      ).not.toContain(tool);
    }
    if (naming === "dotted") return;
    // No tool is left under its canonical name anywhere in the text.
    for (const tool of codexTools)
      expect(prompt, tool).not.toMatch(new RegExp(`\\b${tool.replace(".", "\\.")}\\b`));
  },
);
