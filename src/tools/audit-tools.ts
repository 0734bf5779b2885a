import { z } from "zod";
import { listAudit, listAuditPage } from "../service/audit-log.js";
import { STAFF, defineTool } from "./registry.js";
import { args, taskId } from "./schemas.js";

const scope = taskId.optional().describe("Only this task's rows; omit for the global log (user, codex)");

export const auditTools = [
  defineTool({
    name: "audit.list",
    title: "Audit log",
    description:
      "Every audit row (global for user/codex, or for one task: its packages, submissions, reviews, sessions, delegations, test runs, plans and artifacts). Prefer audit.list_page for long histories.",
    roles: STAFF,
    readOnly: true,
    input: args({ task_id: scope }),
    handler: (svc, a) => listAudit(svc, a.task_id ?? null),
  }),
  defineTool({
    name: "audit.list_page",
    title: "Audit log, one page",
    description:
      "Audit rows with id > after_audit_id, ascending, at most limit (1–200). Continue with next_after_id while has_more.",
    roles: STAFF,
    readOnly: true,
    input: args({
      task_id: scope,
      after_audit_id: z
        .number()
        .int()
        .min(0)
        .max(Number.MAX_SAFE_INTEGER)
        .optional()
        .describe("next_after_id of the previous page; 0 or omitted for the first"),
      limit: z.number().int().min(1).max(200).optional().describe("At most this many rows (default 20)"),
    }),
    handler: (svc, a) => listAuditPage(svc, a.task_id ?? null, a.after_audit_id ?? 0, a.limit ?? 20),
  }),
];
