import { DEFAULT_WORKER_EVENTS_PER_MINUTE, type ToolList } from "../config/settings.js";
import type { ToolNaming } from "../domain/tool-names.js";
import type { MimoRuntime } from "../mimo/runtime.js";
import type { WaitLimits } from "../service/handoff.js";
import { adminTools } from "./admin-tools.js";
import { auditTools } from "./audit-tools.js";
import { continuationTools } from "./continuation-tools.js";
import { delegationTools } from "./delegation-tools.js";
import { graceTools } from "./grace-tools.js";
import { gateTools } from "./gate-tools.js";
import { packageTools } from "./package-tools.js";
import { repoTools } from "./repo-tools.js";
import { reviewTools } from "./review-tools.js";
import { submissionTools } from "./submission-tools.js";
import { handoffTools } from "./handoff-tools.js";
import { identityTools } from "./identity-tools.js";
import { inboxTools } from "./inbox-tools.js";
import { mimoTools } from "./mimo-tools.js";
import { projectTools } from "./project-tools.js";
import type { ToolDef } from "./registry.js";
import { taskTools } from "./task-tools.js";

export interface ToolSettings {
  wait: WaitLimits;
  /** Worker events a package may take a minute (0 = no limit); absent → the documented default. */
  workerEventsPerMinute?: number;
  /** How Mimo is started; absent (tests listing tools) → `mimo` on an empty environment. */
  mimo?: MimoRuntime;
  /** How tools are named to the client (dotted unless set). */
  toolNames?: ToolNaming;
  /** Which of the role's tools tools/list shows (reachable unless set). */
  toolList?: ToolList;
}

/** Every tool of the server; the registry exposes to each bound role only the ones it may use. */
export function allTools(settings: ToolSettings): ToolDef[] {
  return [
    ...identityTools,
    ...projectTools,
    ...delegationTools,
    ...taskTools,
    ...graceTools,
    ...handoffTools(settings.wait, settings.workerEventsPerMinute ?? DEFAULT_WORKER_EVENTS_PER_MINUTE),
    ...auditTools,
    ...continuationTools,
    ...packageTools,
    ...submissionTools,
    ...reviewTools,
    ...gateTools,
    ...repoTools,
    ...mimoTools(settings.mimo ?? { command: "mimo", env: {} }),
    ...adminTools,
    ...inboxTools,
  ];
}
