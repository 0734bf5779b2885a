import { describe, expect, test } from "vitest";
import { classifyNextAction, NEXT_ACTION_TOOLS, type PackageBrief } from "../../src/domain/next-action.js";
import { PACKAGE_STATUSES } from "../../src/domain/package-states.js";
import { TASK_STATUSES, type TaskStatus } from "../../src/domain/task-states.js";
import { exposedToolName, TOOL_NAMINGS } from "../../src/domain/tool-names.js";
import { allTools } from "../../src/tools/index.js";

const p = (id: number, status: PackageBrief["status"]): PackageBrief => ({ id, status });

test.each<[TaskStatus, PackageBrief[], string, string]>([
  ["CODEX_TASK_CREATED", [], "glm", "task.plan"],
  ["GLM_GRACE_PLANNED", [], "glm", "verification.register_plan or submission.controller_task_completion"],
  ["GLM_TESTS_PREPARED", [], "glm", "workpackage.create or submission.controller_task_completion"],
  [
    "GLM_REJECTED_REPAIR_REQUIRED",
    [p(1, "REPAIR_REQUIRED")],
    "glm",
    "mimo.launch_package or submission.controller_repair",
  ],
  [
    "WORK_PACKAGES_ASSIGNED",
    [p(1, "GLM_ACCEPTED"), p(2, "HUMAN_INTERVENTION_REQUIRED")],
    "user_or_codex",
    "workpackage.force_reset or task.force_transition for package #2",
  ],
  ["WORK_PACKAGES_CREATED", [p(3, "CREATED")], "glm", "workpackage.assign for package #3"],
  ["WORK_PACKAGES_ASSIGNED", [p(4, "ASSIGNED")], "worker_junior_or_pro", "workpackage.claim for package #4"],
  [
    "WORK_PACKAGES_ASSIGNED",
    [p(5, "CLAIMED_PRO")],
    "worker_junior_or_pro",
    "submission.create for package #5",
  ],
  ["WORK_PACKAGES_ASSIGNED", [p(6, "SUBMITTED")], "glm", "review.glm_submit for package #6"],
  ["WORK_PACKAGES_ASSIGNED", [p(7, "GLM_ACCEPTED"), p(8, "CANCELLED")], "codex", "task.request_final_review"],
  ["WORK_PACKAGES_ASSIGNED", [p(9, "CANCELLED")], "glm", "workpackage.assign or review.glm_submit"],
  ["CODEX_FINAL_REVIEW", [], "codex", "review.codex_submit"],
  ["CODEX_ACCEPTED", [], "codex", "task.close"],
  ["TASK_CLOSED", [], "none", "none"],
  ["GLM_ACCEPTED", [p(1, "GLM_ACCEPTED")], "codex", "task.request_final_review"],
  ["HUMAN_INTERVENTION_REQUIRED", [], "codex", "task.get"],
])("%s with %j → %s / %s", (status, packages, role, action) => {
  expect(classifyNextAction(status, packages)).toEqual({ role, action });
});

describe.each(TOOL_NAMINGS)("%s naming", (naming) => {
  const exposed = allTools({ wait: { toolCallLimitSeconds: 60, transportGraceSeconds: 10 } }).map((t) =>
    exposedToolName(t.name, naming),
  );
  const briefs: PackageBrief[][] = [[], ...PACKAGE_STATUSES.map((s) => [p(1, s)])];
  const cases = TASK_STATUSES.flatMap((status) => briefs.map((packages) => [status, packages] as const));

  test("every tool a next action can name is a tool of the server", () => {
    for (const tool of NEXT_ACTION_TOOLS) expect(exposed).toContain(exposedToolName(tool, naming));
  });

  test.each(cases)("%s with %j names only tools exposed in this naming", (status, packages) => {
    const { action } = classifyNextAction(status, packages, naming);
    if (action === "none") return;
    for (const tool of action.replace(/ for package #\d+$/, "").split(" or ")) {
      expect(exposed, `${tool} in "${action}"`).toContain(tool);
    }
  });
});
