import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { requireArgvValue } from "../domain/argv-values.js";
import { OrchestratorError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import { isWithin, resolveReal } from "../git/paths.js";
import { addDetachedWorktree, removeWorktree } from "../git/worktree.js";
import { inTransaction } from "../ledger/database.js";
import { findAgent } from "../ledger/tables/agents.js";
import type { PackageRow } from "../ledger/tables/work-packages.js";
import {
  failPreparedSession,
  insertMimoSession,
  recordPreparedProcess,
  recordSessionLaunch,
  setSessionPaths,
  type MimoSessionRow,
} from "../ledger/tables/mimo-sessions.js";
import { findLatestSubmissionHead } from "../ledger/tables/submissions.js";
import { headlessArgv, launchPrompt, tuiArgv } from "../mimo/argv.js";
import { mimoAgentOf, resolveLaunchBackend, type ResolvedBackend } from "../mimo/backend-families.js";
import { renderBriefing } from "../mimo/briefing.js";
import { resolveMimoExecutable } from "../mimo/executable.js";
import { startHeadlessGate, trackHeadless } from "../mimo/headless.js";
import {
  abortMimoGate,
  detachMimoGate,
  releaseMimoGate,
  startMimoGate,
  type MimoGate,
} from "../mimo/launch-gate.js";
import { selectRepairRoute, type RouteAgent } from "../mimo/repair-route.js";
import { pathOf, type MimoRuntime } from "../mimo/runtime.js";
import type { ToolNaming } from "../domain/tool-names.js";
import { sessionPaths, type SessionPaths } from "../mimo/session-paths.js";
import { sessionView } from "../mimo/session-row.js";
import { captureIdentity, newLaunchNonce, type ProcessIdentity } from "../process/identity.js";
import { killTree, releaseTree, trackTree, type ProcessTree } from "../process/kill-tree.js";
import { agentFacts, loadPackage, loadProject, loadTask, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { emitEvent } from "./handoff.js";
import { activeSession, latestRejection, loadSession, type Rejection } from "./mimo.js";
import { packageView, taskCoreView } from "./projections.js";

export type LaunchMode = "tui" | "headless";

export interface LaunchInput {
  work_package_id: number;
  mode: LaunchMode;
}

export interface Plan {
  session: MimoSessionRow;
  /** Deterministic from the session id, and on the row from the moment it is PREPARED. */
  paths: SessionPaths;
  repoRoot: string;
  base: string;
  repairSource: string | null;
  rejection: Rejection | null;
  family: string;
  role: Role;
}

function routeAgent(ctx: ServiceContext, projectId: number, name: string): RouteAgent | undefined {
  const row = findAgent(ctx.db, projectId, name);
  if (!row) return undefined;
  const f = agentFacts(row);
  return { name: f.name, capabilities: f.capabilities, availability: f.availability };
}

/** Who works and from which commit. */
function route(ctx: ServiceContext, pkg: PackageRow, projectId: number) {
  if (pkg.status === "ASSIGNED") {
    const agent = pkg.assigned_junior_agent;
    if (!agent) throw new OrchestratorError(`Work package ${pkg.id} has no assigned junior agent`);
    return {
      agent,
      role: "worker_junior" as Role,
      label: null,
      base: String(pkg.base_commit),
      repair: false,
    };
  }
  if (pkg.status === "REPAIR_REQUIRED") {
    const r = selectRepairRoute({ ...pkg, worker_pro_available: Number(pkg.worker_pro_available) }, (n) =>
      routeAgent(ctx, projectId, n),
    );
    const latest = findLatestSubmissionHead(ctx.db, pkg.id);
    if (!latest)
      throw new OrchestratorError(
        `Mimo repair dispatch requires a submitted worker commit to repair (work package ${pkg.id} has no submission)`,
      );
    return { agent: r.agent, role: r.role as Role, label: r.label, base: latest, repair: true };
  }
  throw new OrchestratorError(
    `Mimo dispatch requires an ASSIGNED package or a REPAIR_REQUIRED package (work package ${pkg.id} is ${pkg.status})`,
  );
}

type Route = ReturnType<typeof route>;

/** The routed agent, checked as launchable: registered, available, capable, with argv-safe Mimo values. */
function launchAgent(ctx: ServiceContext, projectId: number, r: Route) {
  const agentRow = findAgent(ctx.db, projectId, r.agent);
  if (!agentRow)
    throw new OrchestratorError(`Assigned agent '${r.agent}' is not registered in project ${projectId}`);
  const facts = agentFacts(agentRow);
  if (facts.availability !== "available")
    throw new OrchestratorError(`Assigned agent '${r.agent}' is not available`);
  if (!facts.capabilities.includes(r.role)) {
    throw new OrchestratorError(`Assigned agent '${r.agent}' lacks capability ${r.role}`);
  }
  const backend = resolveLaunchBackend(agentRow, r.role);
  const mimoAgent = mimoAgentOf(agentRow);
  // Registration refuses these too; rows written before that rule are refused here.
  const registration = `Agent '${r.agent}' (agent ${agentRow.id}) on project ${projectId}`;
  requireArgvValue("mimo_model", backend.model, registration);
  requireArgvValue("mimo_agent", mimoAgent, registration);
  return { backend, mimoAgent };
}

/** The rejection a repair answers (null otherwise), once no other session holds the package's dispatch lock. */
function requireDispatchLock(ctx: ServiceContext, packageId: number, repair: boolean): Rejection | null {
  const rejection = repair ? latestRejection(ctx, packageId) : null;
  const holder = activeSession(ctx, packageId, { rejectedAt: rejection?.created_at ?? null });
  if (holder) throw new OrchestratorError(`Work package already has an active Mimo session: ${holder.id}`);
  return rejection;
}

interface Preparing {
  pkg: PackageRow;
  taskId: number;
  projectId: number;
  route: Route;
  backend: ResolvedBackend;
  mimoAgent: string;
  mode: LaunchMode;
}

/** The PREPARED row, already naming the paths the launch will write, and its audit row. */
function insertPrepared(
  ctx: ServiceContext,
  effective: Role,
  p: Preparing,
): { id: number; paths: SessionPaths } {
  const r = p.route;
  const id = insertMimoSession(ctx.db, {
    project_id: p.projectId,
    task_id: p.taskId,
    work_package_id: p.pkg.id,
    requested_by_agent: ctx.actor.name,
    assigned_agent: r.agent,
    assigned_role: r.role,
    mimo_model: p.backend.model,
    mimo_agent: p.mimoAgent,
    mode: p.mode,
    workspace_base_commit: r.base,
    repair_route: r.label,
    created_at: nowIso(ctx),
  });
  const paths = sessionPaths(ctx.dataDir, p.projectId, p.pkg.id, id);
  const headless = p.mode === "headless";
  setSessionPaths(ctx.db, {
    id,
    workspace_path: paths.workspace,
    briefing_path: paths.briefing,
    stdout_path: headless ? paths.stdout : null,
    stderr_path: headless ? paths.stderr : null,
  });
  audit(ctx, effective, "mimo.session_prepared", "mimo_session", id, {
    work_package_id: p.pkg.id,
    assigned_agent: r.agent,
    assigned_role: r.role,
    mimo_agent: p.mimoAgent,
    mode: p.mode,
    repair_route: r.label,
    workspace_path: paths.workspace,
    briefing_path: paths.briefing,
  });
  return { id, paths };
}

/**
 * Checks, dispatch lock and the PREPARED row, in one committed transaction before any side effect.
 * The row already names the worktree, briefing (and headless log) paths, so a crash at any later
 * point leaves evidence recovery and clean-up can find.
 */
export function prepareLaunch(ctx: ServiceContext, input: LaunchInput): Plan {
  return inTransaction(ctx.db, () => {
    const pkg = loadPackage(ctx, input.work_package_id);
    const task = loadTask(ctx, pkg.task_id);
    const project = loadProject(ctx, task.project_id);
    const effective = requireRole(ctx, "glm", task.project_id, task.id);
    const r = route(ctx, pkg, project.id);
    const { backend, mimoAgent } = launchAgent(ctx, project.id, r);
    const rejection = requireDispatchLock(ctx, pkg.id, r.repair);
    const { id, paths } = insertPrepared(ctx, effective, {
      pkg,
      taskId: task.id,
      projectId: project.id,
      route: r,
      backend,
      mimoAgent,
      mode: input.mode,
    });
    return {
      session: loadSession(ctx, id),
      paths,
      repoRoot: project.repo_path,
      base: r.base,
      repairSource: r.repair ? r.base : null,
      rejection,
      family: backend.family,
      role: r.role,
    };
  });
}

function briefingText(ctx: ServiceContext, plan: Plan, workspace: string, toolNames: ToolNaming): string {
  const s = plan.session;
  const pkg = packageView(loadPackage(ctx, s.work_package_id));
  const task = taskCoreView(loadTask(ctx, s.task_id));
  return renderBriefing({
    toolNames,
    sessionId: s.id,
    agentName: s.assigned_agent,
    role: s.assigned_role,
    model: s.mimo_model ?? "",
    family: plan.family,
    mimoAgent: s.mimo_agent ?? "",
    workspace,
    baseCommit: String(pkg.base_commit),
    repairSourceCommit: plan.repairSource,
    repairRoute: s.repair_route,
    rejection: plan.rejection ? { findings: plan.rejection.findings, fixes: plan.rejection.fixes } : null,
    task,
    pkg: {
      id: s.work_package_id,
      title: String(pkg.title),
      objective: String(pkg.objective),
      allowed_files: pkg.allowed_files as string[],
      forbidden_files: pkg.forbidden_files as string[],
      operation_id: typeof pkg.operation_id === "string" ? pkg.operation_id : "",
      authority_mode: typeof pkg.authority_mode === "string" ? pkg.authority_mode : "",
      operation_root: typeof pkg.operation_root === "string" ? pkg.operation_root : "",
      codex_required: pkg.codex_required === true,
      codex_instance_id: typeof pkg.codex_instance_id === "string" ? pkg.codex_instance_id : "",
      glm_instance_id: typeof pkg.glm_instance_id === "string" ? pkg.glm_instance_id : "",
      branch_worktree: typeof pkg.branch_worktree === "string" ? pkg.branch_worktree : "",
      glm_scan_plan_report: pkg.glm_scan_plan_report,
      operation_isolation: pkg.operation_isolation,
    },
  });
}

export interface Made {
  worktree: string | null;
  briefing: string | null;
}

/** Undo what this launch created, so a failure leaves nothing half-made. */
async function undo(repoRoot: string, made: Made): Promise<void> {
  if (made.briefing) await rm(made.briefing, { force: true });
  if (made.worktree) {
    // Just created by us and never handed to a worker: removing it loses nothing.
    await removeWorktree(repoRoot, made.worktree, true).catch(() =>
      rm(made.worktree!, { recursive: true, force: true }),
    );
  }
}

async function createWorkspace(plan: Plan, paths: SessionPaths, made: Made): Promise<string> {
  const realRoot = await resolveReal(plan.repoRoot);
  if (isWithin(realRoot, await resolveReal(paths.workspace))) {
    throw new OrchestratorError("Mimo worktree must be outside the registered project root");
  }
  const added = await addDetachedWorktree(plan.repoRoot, paths.workspace, plan.base);
  made.worktree = added.path;
  return added.path;
}

async function writeBriefing(file: string, text: string, made: Made): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // `wx`: a briefing is immutable and never overwritten.
  await writeFile(file, text, { encoding: "utf8", flag: "wx" });
  made.briefing = file;
}

/** The worktree and the briefing at the paths the PREPARED row names; `made` tracks what exists for undo. */
export async function materialiseLaunch(
  ctx: ServiceContext,
  plan: Plan,
  made: Made,
  toolNames: ToolNaming = "dotted",
): Promise<string> {
  const workspace = await createWorkspace(plan, plan.paths, made);
  await writeBriefing(plan.paths.briefing, briefingText(ctx, plan, workspace, toolNames), made);
  return workspace;
}

/** `cleared`: undo left nothing of this launch on disk, so clean-up need not look at the row. */
function fail(ctx: ServiceContext, plan: Plan, reason: string, cleared: boolean): void {
  inTransaction(ctx.db, () => {
    failPreparedSession(ctx.db, {
      id: plan.session.id,
      failure_reason: reason,
      ended_at: nowIso(ctx),
      cleared,
    });
    audit(ctx, plan.role, "mimo.session_failed", "mimo_session", plan.session.id, { reason });
  });
}

/** Mimo's exact argv for this launch. */
function launchArgv(runtime: MimoRuntime, plan: Plan, mode: LaunchMode, workspace: string): string[] {
  const s = plan.session;
  const program = resolveMimoExecutable(runtime.command, pathOf(runtime.env), runtime.platform);
  const common = {
    program,
    agent: s.mimo_agent,
    model: s.mimo_model ?? "",
    prompt: launchPrompt(plan.paths.briefing),
  };
  if (mode === "tui") return tuiArgv(common);
  return headlessArgv({ ...common, workspace, briefing: plan.paths.briefing, sessionId: s.id });
}

/**
 * The gate's identity on the PREPARED row, committed before Mimo exists: from here on a crash
 * leaves a recorded process standing for the Mimo it may start (recovery checks its liveness).
 */
export async function recordGate(ctx: ServiceContext, plan: Plan, gate: MimoGate): Promise<void> {
  const identity = await captureIdentity(gate.pid, gate.argv, newLaunchNonce());
  inTransaction(ctx.db, () => {
    const recorded = recordPreparedProcess(ctx.db, {
      id: plan.session.id,
      pid: gate.pid,
      process_started_at_os: identity.os_start_time,
      executable_path: identity.executable_path,
      argv_hash: identity.argv_hash,
      launch_nonce: identity.launch_nonce,
    });
    if (!recorded) {
      throw new OrchestratorError(
        `Mimo session ${plan.session.id} was ended by an administrator while it was launching`,
      );
    }
    audit(ctx, plan.role, "mimo.launch_gate_recorded", "mimo_session", plan.session.id, {
      gate_pid: gate.pid,
      process_started_at_os: identity.os_start_time,
    });
  });
}

interface LaunchSpec {
  argv: string[];
  workspace: string;
  env: Readonly<Record<string, string>>;
  mode: LaunchMode;
}

/**
 * Starts the gate, records it, then lets it start Mimo (a Windows TUI in a console window of its
 * own); returns the gate, its tree, Mimo's pid and, for a new console, its start time.
 */
export async function startGated(
  ctx: ServiceContext,
  plan: Plan,
  l: LaunchSpec,
): Promise<{ gate: MimoGate; tree: ProcessTree; pid: number; startTime: string | null }> {
  const { gate, tree } =
    l.mode === "tui"
      ? await startMimoGate({ cwd: l.workspace, env: l.env }).then((g) => ({
          gate: g,
          tree: trackTree(g.child),
        }))
      : await startHeadlessGate(l.workspace, l.env, plan.paths);
  try {
    await recordGate(ctx, plan, gate);
  } catch (error) {
    abortMimoGate(gate);
    releaseTree(tree);
    throw error;
  }
  const newConsole = l.mode === "tui" && process.platform === "win32";
  const report = await releaseMimoGate(gate, { argv: l.argv, cwd: l.workspace, env: l.env, newConsole });
  if (!report.ok) {
    // It may still start Mimo (a report that did not come): end it and all it started.
    await killTree(tree, "SIGKILL");
    releaseTree(tree);
    throw new OrchestratorError(report.reason);
  }
  return { gate, tree, pid: report.pid, startTime: report.startTime };
}

interface Started {
  pid: number;
  /** Windows TUI: the start time read from the CreateProcessW handle. */
  startTime: string | null;
  gated: { gate: MimoGate; tree: ProcessTree };
}

/** Behind the gate everywhere: its pid is committed before Mimo exists. */
async function startMimo(ctx: ServiceContext, plan: Plan, l: LaunchSpec): Promise<Started> {
  const { gate, tree, pid, startTime } = await startGated(ctx, plan, l);
  return { pid, startTime, gated: { gate, tree } };
}

/** Ends a Mimo that could not be recorded: no one else could see or stop it. */
async function stopUnrecorded(started: Started): Promise<void> {
  await killTree(started.gated.tree, "SIGKILL");
  releaseTree(started.gated.tree);
}

/**
 * Dispatches a package to its worker through Mimo. The PREPARED row is committed
 * first; then worktree, briefing, the launch gate (recorded before it may start Mimo) and the
 * fixed-argv Mimo; any failure marks the session FAILED and removes what this launch made. The
 * launch never claims the package.
 */
export async function launchPackage(ctx: ServiceContext, runtime: MimoRuntime, input: LaunchInput) {
  const plan = prepareLaunch(ctx, input);
  const s = plan.session;
  const made: Made = { worktree: null, briefing: null };
  let argv: string[];
  let started: Started;
  try {
    const workspace = await materialiseLaunch(ctx, plan, made, runtime.toolNames);
    argv = launchArgv(runtime, plan, input.mode, workspace);
    started = await startMimo(ctx, plan, { argv, workspace, env: runtime.env, mode: input.mode });
  } catch (error) {
    // A failed undo must not keep the session PREPARED: it is FAILED either way, and what is
    // left on disk stays on the row for mimo.cleanup_worktrees.
    const cleared = await undo(plan.repoRoot, made).then(
      () => true,
      () => false,
    );
    fail(ctx, plan, (error as Error).message, cleared);
    throw error;
  }
  const { pid, startTime, gated } = started;
  const probed = await captureIdentity(pid, argv, newLaunchNonce());
  // Windows: the start time read from the handle CreateProcessW returned, known even for a
  // window closed at once.
  const identity = startTime === null ? probed : { ...probed, os_start_time: startTime };
  let recorded;
  try {
    recorded = record(ctx, plan, input.mode, { argv, pid, identity, made, paths: plan.paths });
  } catch (error) {
    await stopUnrecorded(started);
    await undo(plan.repoRoot, made);
    throw error;
  }
  if (input.mode === "headless") {
    trackHeadless(s.id, { child: gated.gate.child, tree: gated.tree, stderrPath: plan.paths.stderr });
  } else {
    releaseTree(gated.tree);
  }
  detachMimoGate(gated.gate);
  ctx.events.publish([recorded.run]);
  return { ...sessionView(recorded.row), handoff_event: recorded.event, detached_tui: input.mode === "tui" };
}

interface Launched {
  argv: string[];
  pid: number;
  identity: ProcessIdentity;
  made: Made;
  paths: SessionPaths;
}

/** PREPARED → TUI_DETACHED / RUNNING with the launch evidence, and WORKER_STARTED in the outbox. */
function record(ctx: ServiceContext, plan: Plan, mode: LaunchMode, l: Launched) {
  const s = plan.session;
  const { argv, pid, identity, made, paths } = l;
  return inTransaction(ctx.db, () => {
    const now = nowIso(ctx);
    const state = mode === "tui" ? "TUI_DETACHED" : "RUNNING";
    const changed = recordSessionLaunch(ctx.db, {
      id: s.id,
      lifecycle_state: state,
      workspace_path: made.worktree,
      briefing_path: made.briefing,
      command_json: JSON.stringify(argv),
      pid,
      process_started_at_os: identity.os_start_time,
      executable_path: identity.executable_path,
      argv_hash: identity.argv_hash,
      launch_nonce: identity.launch_nonce,
      stdout_path: mode === "headless" ? paths.stdout : null,
      stderr_path: mode === "headless" ? paths.stderr : null,
      started_at: now,
    });
    if (!changed) {
      throw new OrchestratorError(
        `Mimo session ${s.id} was ended by an administrator while it was launching`,
      );
    }
    audit(ctx, plan.role, "mimo.session_launched", "mimo_session", s.id, {
      pid,
      mode,
      mimo_agent: s.mimo_agent,
      workspace_path: made.worktree,
      workspace_base_commit: plan.base,
    });
    const pkg = loadPackage(ctx, s.work_package_id);
    const task = loadTask(ctx, s.task_id);
    const emitted = emitEvent(ctx, pkg, task, "WORKER_STARTED", s.assigned_agent, {
      session_id: s.id,
      mode,
      workspace_path: made.worktree,
    });
    return { row: loadSession(ctx, s.id), ...emitted };
  });
}
