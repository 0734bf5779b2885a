import { z } from "zod";
import { ROLES } from "../domain/roles.js";

/**
 * Declared shapes of the answers agents act on. They name the fields an agent branches on; other
 * fields pass through (loose objects), so an answer may carry more than its schema lists.
 */
const text = z.string();
const maybeText = z.string().nullable();
const ids = z.array(z.number().int());
const nextAction = z.looseObject({
  role: text.describe("Who acts next: a role, user_or_codex, worker_junior_or_pro, or none"),
  action: text.describe("The tool (or tools) to call next, or none"),
});

export const whoamiOutput = z.looseObject({
  actor_id: text,
  actor_name: text.describe("Your bound name; stop if it is not who you expect"),
  primary_role: z.enum(ROLES),
  requested_role: z.enum(ROLES),
  granted_role: z.enum(ROLES).nullable().describe("The role the ledger grants you; null when it does not"),
  runtime: maybeText,
  provider: maybeText,
  model: maybeText,
  reasoning_profile: maybeText,
  authority_problem: maybeText.describe("Why every other tool will refuse you; null when none"),
});

export const nextActionOutput = z.looseObject({
  current_state: text.describe("The task's status"),
  next: nextAction,
  blocked_reason: maybeText.describe("Why you cannot take the next action yourself; null if you can"),
});

export const taskSummaryOutput = z.looseObject({
  id: z.number().int(),
  project_id: z.number().int(),
  title: text,
  status: text,
  package_counts: z.looseObject({
    total: z.number().int(),
    accepted: z.number().int(),
    active: z.number().int(),
    blocked: z.number().int(),
  }),
  active_package_ids: ids,
  blocked_package_ids: ids,
  next_action: nextAction,
});

export const waitOutput = z.looseObject({
  status: z.enum(["event", "timeout", "cancelled"]),
  events: z.array(z.looseObject({ event_id: text, type: text })),
  has_more: z.boolean().describe("More new events than shown: call again with next_after_event_id"),
  event_count: z.number().int(),
  next_after_event_id: maybeText.describe("Pass as after_event_id on the next call"),
});

export const packageOutput = z.looseObject({
  id: z.number().int(),
  task_id: z.number().int(),
  status: text,
  claimed_by_agent: maybeText,
});

export const submissionOutput = z.looseObject({
  id: z.number().int().describe("Submission id (repo.diff submission_id reads its diff)"),
  work_package_id: z.number().int(),
  diff_bytes: z.number().int(),
  files_changed: z.array(text),
  handoff_report_path: text,
});

export const gateOutput = z.looseObject({
  status: z.enum(["pass", "blocked"]),
  issues: z.array(text).describe("Why it is blocked; [] when it passes"),
});
