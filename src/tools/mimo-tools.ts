import { z } from "zod";
import { OrchestratorError } from "../domain/errors.js";
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
const observation = requiredText.describe("What you observed, in words; stored as the reason");
const session = args({ session_id: sessionId });
const observed = args({ session_id: sessionId, observation });

/** Both modes parse (the schema's enum), but only the TUI is dispatched. */
function tuiOnly(mode: (typeof MODES)[number] | undefined): "tui" {
  if (mode === "headless") throw new OrchestratorError("Mimo dispatch is TUI-only; use mode='tui'");
  return "tui";
}

const connectionProfileTool = (runtime: MimoRuntime): ToolDef =>
  defineTool({
    name: "mimo.connection_profile",
    title: "Connection profile for one agent",
    description:
      "A copyable STDIO MCP server profile (command, args, cwd, env) that starts this orchestrator bound to one registered agent's identity, with notes for Mimo's MCP dialog. One profile per agent.",
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
      "GLM: dispatches an ASSIGNED package to its junior (or a REPAIR_REQUIRED package along the repair route) in a new detached git worktree with a briefing, and starts the Mimo TUI there. Evidence only: it does not claim the package; the worker claims through MCP. One active session per package.",
    roles: STAFF,
    readOnly: false,
    input: args({
      work_package_id: packageId,
      mode: oneOf(MODES).optional().describe("tui (default); headless is not dispatched"),
    }),
    handler: (svc, a) =>
      launchPackage(svc, runtime, { work_package_id: a.work_package_id, mode: tuiOnly(a.mode) }),
  });

const getSessionTool = defineTool({
  name: "mimo.get_session",
  title: "Read a Mimo session",
  description: "The Mimo session with its state, worktree, briefing, argv (command) and process identity.",
  roles: STAFF,
  readOnly: true,
  input: session,
  handler: (svc, a) => getSession(svc, a.session_id),
});

const pollSessionTool = defineTool({
  name: "mimo.poll_session",
  title: "Poll a headless Mimo session",
  description:
    "Updates a RUNNING headless session started by this server process when its child has exited; anything else is returned unchanged.",
  roles: STAFF,
  readOnly: false,
  input: session,
  handler: (svc, a) => pollSession(svc, a.session_id),
});

const cancelSessionTool = defineTool({
  name: "mimo.cancel_session",
  title: "Cancel a headless Mimo session",
  description:
    "Terminates a RUNNING headless session owned by this server process. TUI sessions belong to the user and are refused.",
  roles: STAFF,
  readOnly: false,
  input: session,
  handler: (svc, a) => cancelSession(svc, a.session_id),
});

const recoverPreparedTool = defineTool({
  name: "mimo.recover_prepared_session",
  title: "Recover a stuck PREPARED session",
  description:
    "Ends a PREPARED session left by an interrupted launch as FAILED (your observation is the reason) and removes its clean worktree and briefing. Refused while the process recorded for the session (the launch gate, which lives as long as the Mimo it started) is running or its liveness is unknown, and while the worktree holds uncommitted or unsubmitted work, which is kept.",
  roles: STAFF,
  readOnly: false,
  input: observed,
  handler: (svc, a) => recoverPreparedSession(svc, a.session_id, a.observation),
});

const recoverOrphanedTool = defineTool({
  name: "mimo.recover_orphaned_running_session",
  title: "Recover an orphaned headless session",
  description:
    "Marks a RUNNING headless session FAILED once its process is verifiably gone (pid and OS start time no longer match).",
  roles: STAFF,
  readOnly: false,
  input: observed,
  handler: (svc, a) => recoverOrphanedRunningSession(svc, a.session_id, a.observation),
});

const recordTuiClosedTool = defineTool({
  name: "mimo.record_tui_closed",
  title: "Record that a Mimo TUI window was closed",
  description:
    "GLM observed the TUI window closed: the session becomes EXITED and releases the package's dispatch lock. It never changes the package or accepts anything.",
  roles: STAFF,
  readOnly: false,
  input: observed,
  handler: (svc, a) => recordTuiClosed(svc, a.session_id, a.observation),
});

const cleanupWorktreesTool = defineTool({
  name: "mimo.cleanup_worktrees",
  title: "Remove old worktrees of ended sessions",
  description:
    "Removes the worktrees of ended Mimo sessions of a project that ended more than older_than_hours ago. Never removes one with uncommitted changes or with commits no submission head reaches; reports what it kept and why.",
  roles: STAFF,
  readOnly: false,
  input: args({
    project_id: projectId,
    older_than_hours: z.number().min(0).max(100_000).describe("Only sessions ended longer ago than this"),
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
