import { z } from "zod";
import { listAudit, listAuditPage } from "../service/audit-log.js";
import { STAFF, defineTool } from "./registry.js";
import { args, taskId } from "./schemas.js";

const scope = taskId.optional().describe("Omit for the global log (user, codex)");

export const auditTools = [
  defineTool({
    name: "audit.list",
    title: "Audit log",
    description: "Every audit row, global or of one task. Prefer audit.list_page for long histories.",
    roles: STAFF,
    readOnly: true,
    input: args({ task_id: scope }),
    handler: (svc, a) => listAudit(svc, a.task_id ?? null),
  }),
  defineTool({
    name: "audit.list_page",
    title: "Audit log, one page",
    description: "One page of audit rows after after_audit_id. Continue from next_after_id while has_more.",
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
        .describe("next_after_id of the previous page"),
      limit: z.number().int().min(1).max(200).optional().describe("Rows at most (default 20)"),
    }),
    handler: (svc, a) => listAuditPage(svc, a.task_id ?? null, a.after_audit_id ?? 0, a.limit ?? 20),
  }),
];
