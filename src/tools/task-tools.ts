import { LOOP_ANSWER_MAX_BYTES } from "../domain/limits.js";
import { createCodexTask, getNextAction, getTask, planTask } from "../service/tasks.js";
import { nextActionOutput } from "./output-schemas.js";
import { CODEX_ONLY, STAFF, createdId, defineTool } from "./registry.js";
import {
  args,
  id,
  longText,
  name,
  patternList,
  projectId,
  requiredText,
  stringList,
  taskId,
} from "./schemas.js";

export const taskTools = [
  defineTool({
    name: "task.create_codex_task",
    title: "Create an immutable task",
    description:
      "Codex: creates a task (CODEX_TASK_CREATED) with its intent, criteria and file scope as project-relative globs (* within a path segment, ** across). Returns the task; GLM plans it next.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      project_id: projectId,
      title: name,
      objective: requiredText.describe("What must be true when done"),
      architecture_intent: longText.describe("The design to follow; GLM never rewrites it"),
      constraints: stringList,
      non_goals: stringList,
      acceptance_criteria: stringList,
      allowed_files: patternList.describe("Globs the task may change (non-empty)"),
      forbidden_files: patternList.describe("Globs it must not change; win over allowed_files"),
      parent_task_id: id.nullable().optional().describe("Task this one follows up"),
    }),
    handler: (svc, a) => createCodexTask(svc, a),
    concerns: (_a, result) => ({ taskId: createdId(result), packageId: null }),
  }),
  defineTool({
    name: "task.get",
    title: "Read a task",
    description:
      "The task with its packages, artifacts (path and hash, no content), reviews, Mimo sessions and submissions (read a diff with repo.diff submission_id).",
    roles: STAFF,
    readOnly: true,
    input: args({ task_id: taskId }),
    handler: (svc, a) => getTask(svc, a.task_id),
  }),
  defineTool({
    name: "task.plan",
    title: "Mark the task GRACE-planned",
    description:
      "GLM: marks the task GLM_GRACE_PLANNED (from CODEX_TASK_CREATED or after a Codex rejection).",
    roles: STAFF,
    readOnly: false,
    input: args({ task_id: taskId }),
    handler: (svc, a) => planTask(svc, a.task_id),
  }),
  defineTool({
    name: "task.get_next_action",
    title: "Who acts next",
    description: "Who acts next on the task, and with which tool; blocked_reason says why you cannot.",
    roles: STAFF,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({ task_id: taskId }),
    output: nextActionOutput,
    handler: (svc, a, call) => getNextAction(svc, a.task_id, call.naming),
  }),
];
