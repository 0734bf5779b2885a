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
      "Creates a task in CODEX_TASK_CREATED: objective, architecture intent, constraints, non-goals, acceptance criteria, and the file scope as project-relative glob patterns (* stays in one path segment, ** crosses segments). allowed_files must not be empty.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      project_id: projectId,
      title: name.describe("Short task title"),
      objective: requiredText.describe("What must be true when the task is done"),
      architecture_intent: longText.describe("The design the work must follow; GLM never rewrites it"),
      constraints: stringList.describe("Rules the work must keep"),
      non_goals: stringList.describe("What is explicitly out of scope"),
      acceptance_criteria: stringList.describe("Checkable criteria for acceptance"),
      allowed_files: patternList.describe("Globs of files the task may change (non-empty)"),
      forbidden_files: patternList.describe("Globs it must not change; they win over allowed_files"),
      parent_task_id: id.nullable().optional().describe("Task this one follows up, if any"),
    }),
    handler: (svc, a) => createCodexTask(svc, a),
    concerns: (_a, result) => ({ taskId: createdId(result), packageId: null }),
  }),
  defineTool({
    name: "task.get",
    title: "Read a task",
    description:
      "Returns the task with its packages, GRACE artifacts (their size, hash and path, not their content), reviews, Mimo sessions and submissions (each diff as diff_bytes; read it in pages with repo.diff and submission_id).",
    roles: STAFF,
    readOnly: true,
    input: args({ task_id: taskId }),
    handler: (svc, a) => getTask(svc, a.task_id),
  }),
  defineTool({
    name: "task.plan",
    title: "Mark the task GRACE-planned",
    description:
      "GLM: moves the task to GLM_GRACE_PLANNED (from CODEX_TASK_CREATED or after a Codex rejection).",
    roles: STAFF,
    readOnly: false,
    input: args({ task_id: taskId }),
    handler: (svc, a) => planTask(svc, a.task_id),
  }),
  defineTool({
    name: "task.get_next_action",
    title: "Who acts next",
    description:
      "Suggests the next role and action for the task. Roles like user_or_codex are informational; blocked_reason says why you could not do it yourself.",
    roles: STAFF,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({ task_id: taskId }),
    output: nextActionOutput,
    handler: (svc, a) => getNextAction(svc, a.task_id),
  }),
];
