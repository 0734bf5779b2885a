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
  role: text.describe("A role, user_or_codex, worker_junior_or_pro, or none"),
  action: text.describe("The tool(s) to call, or none"),
});

/** whoami's answer also carries actor_id, requested_role, runtime, provider, model and reasoning_profile. */
export const whoamiOutput = z.looseObject({
  actor_name: text,
  primary_role: z.enum(ROLES),
  granted_role: z.enum(ROLES).nullable().describe("null: the ledger does not grant your role"),
  authority_problem: maybeText,
  data_dir: text,
  tools_not_listed: z.array(text),
});

export const nextActionOutput = z.looseObject({
  current_state: text,
  next: nextAction,
  blocked_reason: maybeText,
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
  has_more: z.boolean(),
  event_count: z.number().int(),
  next_after_event_id: maybeText.describe("after_event_id of your next call"),
  held: z
    .array(z.looseObject({ continuation_id: text, source_event_id: text, attempt_id: text }))
    .describe(
      "worker events shown that are held for you: continuation.resolve each with these keys once handled",
    ),
});

export const packageOutput = z.looseObject({
  id: z.number().int(),
  task_id: z.number().int(),
  status: text,
  claimed_by_agent: maybeText,
});

export const submissionOutput = z.looseObject({
  id: z.number().int(),
  work_package_id: z.number().int(),
  diff_bytes: z.number().int(),
  files_changed: z.array(text),
  handoff_report_path: text,
});

export const gateOutput = z.looseObject({
  status: z.enum(["pass", "blocked"]),
  issues: z.array(text),
});
