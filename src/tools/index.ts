import { auditTools } from "./audit-tools.js";
import { delegationTools } from "./delegation-tools.js";
import { graceTools } from "./grace-tools.js";
import { identityTools } from "./identity-tools.js";
import { projectTools } from "./project-tools.js";
import type { ToolDef } from "./registry.js";
import { taskTools } from "./task-tools.js";

/** Every tool of the server; the registry exposes to each bound role only the ones it may use. */
export const ALL_TOOLS: readonly ToolDef[] = [
  ...identityTools,
  ...projectTools,
  ...delegationTools,
  ...taskTools,
  ...graceTools,
  ...auditTools,
];
