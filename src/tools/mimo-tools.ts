import { z } from "zod";
import { notOneOf } from "../domain/errors.js";
import type { MimoRuntime } from "../mimo/runtime.js";
import { launchPackage } from "../service/mimo-launch.js";
import { cleanupWorktrees } from "../service/mimo-cleanup.js";
import { connectionProfile } from "../service/mimo-profile.js";
import {
  cancelSession,
  getSession,
  pollSession,
  recordTuiClosed,
  recoverOrphanedRunningSession,
  recoverPreparedSession,
} from "../service/mimo-sessions.js";
import { CODEX_ONLY, STAFF, defineTool, type ToolDef } from "./registry.js";
import { agentName, args, oneOf, packageId, projectId, requiredText, sessionId } from "./schemas.js";

const MODES = ["tui", "headless"] as const;
/** The modes a launch is dispatched in; headless parses but is not dispatched. */
const DISPATCHED_MODES: readonly (typeof MODES)[number][] = ["tui"];
const observation = requiredText.describe("What you saw; stored as the reason");
const session = args({ session_id: sessionId });
const observed = args({ session_id: sessionId, observation });

/** Both modes parse (the schema's enum), but only the TUI is dispatched. */
function tuiOnly(mode: (typeof MODES)[number] | undefined, packageId: number): "tui" {
  if (mode !== undefined && !DISPATCHED_MODES.includes(mode)) {
    throw notOneOf(`Mimo dispatch of work package ${packageId} is TUI-only`, "mode", mode, DISPATCHED_MODES);
  }
  return "tui";
}

const connectionProfileTool = (runtime: MimoRuntime): ToolDef =>
  defineTool({
    name: "mimo.connection_profile",
    title: "Connection profile for one agent",
    description:
      "A copyable STDIO MCP server profile (command, args, cwd, env) running this orchestrator as one registered agent, for Mimo's MCP dialog.",
    roles: CODEX_ONLY,
    readOnly: true,
    input: args({ project_id: projectId, agent_name: agentName }),
    handler: (svc, a) =>
      connectionProfile(svc, a.project_id, a.agent_name, {
        mcpHome: runtime.mcpHome ?? null,
        toolNames: runtime.toolNames ?? "dotted",
      }),
  });

const launchPackageTool = (runtime: MimoRuntime): ToolDef =>
  defineTool({
    name: "mimo.launch_package",
    title: "Launch a package's worker in a Mimo TUI",
    description:
      "GLM: starts the Mimo TUI for an ASSIGNED (or REPAIR_REQUIRED) package's worker in a new worktree with a briefing; the worker then claims it. One live session per package.",
    roles: STAFF,
    readOnly: false,
    input: args({
      work_package_id: packageId,
      mode: oneOf(MODES).optional().describe("Only tui is dispatched"),
    }),
    handler: (svc, a) =>
      launchPackage(svc, runtime, {
        work_package_id: a.work_package_id,
        mode: tuiOnly(a.mode, a.work_package_id),
      }),
  });

const getSessionTool = defineTool({
  name: "mimo.get_session",
  title: "Read a Mimo session",
  description: "A Mimo session: state, worktree, briefing, argv and process.",
  roles: STAFF,
  readOnly: true,
  input: session,
  handler: (svc, a) => getSession(svc, a.session_id),
});

const pollSessionTool = defineTool({
  name: "mimo.poll_session",
  title: "Poll a headless Mimo session",
  description: "Records the exit of a RUNNING headless session this server started; returns the session.",
  roles: STAFF,
  readOnly: false,
  input: session,
  handler: (svc, a) => pollSession(svc, a.session_id),
});

const cancelSessionTool = defineTool({
  name: "mimo.cancel_session",
  title: "Cancel a headless Mimo session",
  description: "Stops a RUNNING headless session this server started (TUI sessions are the user's).",
  roles: STAFF,
  readOnly: false,
  input: session,
  handler: (svc, a) => cancelSession(svc, a.session_id),
});

const recoverPreparedTool = defineTool({
  name: "mimo.recover_prepared_session",
  title: "Recover a stuck PREPARED session",
  description:
    "Fails a PREPARED session left by an interrupted launch and removes its clean worktree; refused while its process may live or the worktree holds unsubmitted work.",
  roles: STAFF,
  readOnly: false,
  input: observed,
  handler: (svc, a) => recoverPreparedSession(svc, a.session_id, a.observation),
});

const recoverOrphanedTool = defineTool({
  name: "mimo.recover_orphaned_running_session",
  title: "Recover an orphaned headless session",
  description: "Fails a RUNNING headless session whose process is verifiably gone.",
  roles: STAFF,
  readOnly: false,
  input: observed,
  handler: (svc, a) => recoverOrphanedRunningSession(svc, a.session_id, a.observation),
});

const recordTuiClosedTool = defineTool({
  name: "mimo.record_tui_closed",
  title: "Record that a Mimo TUI window was closed",
  description:
    "GLM saw the TUI window closed: the session becomes EXITED, freeing the package for a new launch; the package is unchanged.",
  roles: STAFF,
  readOnly: false,
  input: observed,
  handler: (svc, a) => recordTuiClosed(svc, a.session_id, a.observation),
});

const cleanupWorktreesTool = defineTool({
  name: "mimo.cleanup_worktrees",
  title: "Remove old worktrees of ended sessions",
  description:
    "Removes worktrees of Mimo sessions ended over older_than_hours ago, keeping any with unsubmitted work; reports what it kept and why.",
  roles: STAFF,
  readOnly: false,
  input: args({
    project_id: projectId,
    older_than_hours: z.number().min(0).max(100_000),
  }),
  handler: (svc, a) => cleanupWorktrees(svc, a),
});

/** The Mimo bridge tools; the runtime (command, child env) comes from settings. */
export function mimoTools(runtime: MimoRuntime): ToolDef[] {
  return [
    connectionProfileTool(runtime),
    launchPackageTool(runtime),
    getSessionTool,
    pollSessionTool,
    cancelSessionTool,
    recoverPreparedTool,
    recoverOrphanedTool,
    recordTuiClosedTool,
    cleanupWorktreesTool,
  ];
}
