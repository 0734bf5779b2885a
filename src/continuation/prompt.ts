import { terminalSafe, terminalSafeJson } from "../domain/terminal-text.js";
import { exposeToolNames, type ToolNaming } from "../domain/tool-names.js";
import type { ContinuationContext } from "./context.js";

/** Every tool the prompt names (canonical), so each is written as the controller's server exposes it. */
export const PROMPT_TOOLS: readonly string[] = [
  "handoff.wait_for_event",
  "continuation.ack",
  "continuation.resolve",
  "handoff.escalate_to_user",
  "review.codex_submit",
  "inbox.next",
];

/**
 * A ledger value on one line of the prompt. Agents wrote it, and a person may print the prompt
 * file: control, bidi and line-separator characters are shown as escapes, so a value can neither
 * start a line of its own (a heading, an instruction) nor drive a terminal.
 */
const or = (value: unknown, fallback: string): string =>
  typeof value === "string" && value.trim() !== ""
    ? terminalSafe(value)
    : typeof value === "number"
      ? String(value)
      : fallback;

function jsonField(row: Record<string, unknown> | null, key: string, fallback: unknown): string {
  const raw = row?.[key];
  if (typeof raw !== "string") return terminalSafeJson(fallback);
  try {
    return terminalSafeJson(JSON.parse(raw));
  } catch {
    return terminalSafeJson(raw);
  }
}

/**
 * The controller prompt, in our own words; Markdown. Tools are named in `naming`, the naming of the
 * grace server the revived controller calls them through.
 */
export function renderPrompt(ctx: ContinuationContext, naming: ToolNaming = "dotted"): string {
  const task = ctx.task;
  const pkg = ctx.package;
  const repo = typeof ctx.project?.repo_path === "string" ? ctx.project.repo_path : null;
  const lines = [
    `# GRACE host continuation: ${ctx.trigger_event_type} on ${ctx.run_id}`,
    "",
    `Continue GRACE controller review for work package ${or(ctx.work_package_id, "unknown")} of task ${or(ctx.task_id, "unknown")}.`,
    "",
    "This prompt was written by the host continuation supervisor, outside `handoff.wait_for_event`: the controller session that started this work may have ended. Everything below was rebuilt from durable files and the ledger.",
    "",
    "## Continuation ACK Keys",
    "",
    "Call `continuation.ack` with these three values before anything else, and `continuation.resolve` when done:",
    "",
    `- continuation_id: ${ctx.continuation_id}`,
    `- source_event_id: ${ctx.source_event_id}`,
    `- attempt_id: ${ctx.attempt_id}`,
    `- attempt_count: ${ctx.attempt_count}`,
    "",
    "## Durable run",
    "",
    `- run id: ${ctx.run_id}`,
    `- project id: ${or(ctx.project_id, "unknown")}`,
    `- task id: ${or(ctx.task_id, "unknown")}`,
    `- work package id: ${or(ctx.work_package_id, "unknown")}`,
    `- module id: ${or(ctx.module_id, "unknown")}`,
    `- verification id: ${or(ctx.verification_id, "unknown")}`,
    ...(repo ? [`- repository path: ${terminalSafe(repo)}`] : []),
    `- trigger: ${ctx.trigger_event_type} (event ${ctx.event_index})`,
    `- events path: ${ctx.events_path}`,
    `- handoff report path: ${or(ctx.handoff_report_path, "not found")}`,
    `- worker id: ${or(ctx.worker_id, "unknown")}`,
    `- worker worktree: ${or(ctx.worker_worktree, "not recorded")}`,
    `- controller session id: ${or(ctx.controller_session_id, "not recorded")}`,
    "",
    "## Current controller state",
    "",
    `- task status: ${or(ctx.controller_state.task_status, "unknown")}`,
    `- package status: ${or(ctx.controller_state.package_status, "unknown")}`,
    `- latest review decision: ${or(ctx.controller_state.latest_review_decision, "none")}`,
    "",
    "## Task",
    "",
    `- title: ${or(task?.title, "unknown")}`,
    `- objective: ${or(task?.objective, "unknown")}`,
    `- architecture intent: ${or(task?.architecture_intent, "unknown")}`,
    "",
    "## Work package",
    "",
    `- title: ${or(pkg?.title, "unknown")}`,
    `- objective: ${or(pkg?.objective, "unknown")}`,
    `- allowed files: ${jsonField(pkg, "allowed_files_json", [])}`,
    `- forbidden files: ${jsonField(pkg, "forbidden_files_json", [])}`,
    `- test surface: ${jsonField(pkg, "test_surface_json", [])}`,
    `- rollback boundary: ${or(pkg?.rollback_boundary, "not recorded")}`,
    `- cache anchor: ${or(pkg?.cache_anchor, "not recorded")}`,
    "",
    "## Required actions",
    "",
    "1. Read the handoff report.",
    "2. Inspect the diff in the worker worktree (or the repository).",
    "3. Check that every changed file is inside the package scope.",
    "4. Run the required tests, or say exactly why they could not run.",
    "5. Decide exactly one of `ACCEPTED / REWORK_REQUIRED / BLOCKED_WAITING_USER`.",
    "6. Record it with the tools you hold as controller. The package's review verdict is GLM's (the package waits in GLM's inbox): put your decision and findings in `continuation.resolve` (resolution_notes, resolution_data). For `BLOCKED_WAITING_USER` call `handoff.escalate_to_user` with the work package id and the reason. A task in CODEX_FINAL_REVIEW takes your `review.codex_submit`. `inbox.next` shows what is yours to do next.",
    "7. Report what is scaffolded, wired, verified, and the unverified gaps, with the commands run and their exact results.",
    "",
    "## Trigger event",
    "",
    "```json",
    terminalSafeJson(ctx.trigger_event, 2),
    "```",
    "",
    "Host events, this prompt and worker reports are wake-up evidence only: they are not product runtime truth and accept nothing by themselves.",
    "",
  ];
  return exposeToolNames(lines.join("\n"), naming, PROMPT_TOOLS);
}
