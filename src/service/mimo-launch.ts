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
import { headlessArgv, launchPrompt, tuiArgv } from "../mimo/argv.js";
import { mimoAgentOf, resolveLaunchBackend } from "../mimo/backend-families.js";
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
import { sessionView, type MimoSessionRow } from "../mimo/session-row.js";
import { spawnDetachedTui } from "../mimo/spawn.js";
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
    const latest = ctx.db
      .prepare("SELECT head_commit FROM submissions WHERE work_package_id = ? ORDER BY id DESC LIMIT 1")
      .get(pkg.id) as { head_commit: string } | undefined;
    if (!latest)
      throw new OrchestratorError(
        `Mimo repair dispatch requires a submitted worker commit to repair (work package ${pkg.id} has no submission)`,
      );
    return { agent: r.agent, role: r.role as Role, label: r.label, base: latest.head_commit, repair: true };
  }
  throw new OrchestratorError(
    `Mimo dispatch requires an ASSIGNED package or a REPAIR_REQUIRED package (work package ${pkg.id} is ${pkg.status})`,
  );
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
    const agentRow = findAgent(ctx.db, project.id, r.agent);
    if (!agentRow)
      throw new OrchestratorError(`Assigned agent '${r.agent}' is not registered in project ${project.id}`);
    const facts = agentFacts(agentRow);
    if (facts.availability !== "available")
      throw new OrchestratorError(`Assigned agent '${r.agent}' is not available`);
    if (!facts.capabilities.includes(r.role)) {
      throw new OrchestratorError(`Assigned agent '${r.agent}' lacks capability ${r.role}`);
    }
    const backend = resolveLaunchBackend(agentRow, r.role);
    const mimoAgent = mimoAgentOf(agentRow);
    // Registration refuses these too; rows written before that rule are refused here.
    const registration = `Agent '${r.agent}' (agent ${agentRow.id}) on project ${project.id}`;
    requireArgvValue("mimo_model", backend.model, registration);
    requireArgvValue("mimo_agent", mimoAgent, registration);
    const rejection = r.repair ? latestRejection(ctx, pkg.id) : null;
    const holder = activeSession(ctx, pkg.id, { rejectedAt: rejection?.created_at ?? null });
    if (holder) throw new OrchestratorError(`Work package already has an active Mimo session: ${holder.id}`);
    const now = nowIso(ctx);
    const inserted = ctx.db
      .prepare(
        `INSERT INTO mimo_sessions (project_id, task_id, work_package_id, requested_by_agent, assigned_agent, assigned_role,
           mimo_model, mimo_agent, mode, lifecycle_state, workspace_base_commit, repair_route, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PREPARED', ?, ?, ?)`,
      )
      .run(
        project.id,
        task.id,
        pkg.id,
        ctx.actor.name,
        r.agent,
        r.role,
        backend.model,
        mimoAgent,
        input.mode,
        r.base,
        r.label,
        now,
      );
    const id = Number(inserted.lastInsertRowid);
    const paths = sessionPaths(ctx.dataDir, project.id, pkg.id, id);
    const headless = input.mode === "headless";
    ctx.db
      .prepare(
        `UPDATE mimo_sessions SET workspace_path = ?, briefing_path = ?, stdout_path = ?, stderr_path = ? WHERE id = ?`,
      )
      .run(
        paths.workspace,
        paths.briefing,
        headless ? paths.stdout : null,
        headless ? paths.stderr : null,
        id,
      );
    audit(ctx, effective, "mimo.session_prepared", "mimo_session", id, {
      work_package_id: pkg.id,
      assigned_agent: r.agent,
      assigned_role: r.role,
      mimo_agent: mimoAgent,
      mode: input.mode,
      repair_route: r.label,
      workspace_path: paths.workspace,
      briefing_path: paths.briefing,
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
    const now = nowIso(ctx);
    ctx.db
      .prepare(
        `UPDATE mimo_sessions SET lifecycle_state = 'FAILED', failure_reason = ?, ended_at = ?,
           worktree_removed_at = CASE WHEN ? THEN ? ELSE worktree_removed_at END
         WHERE id = ? AND lifecycle_state = 'PREPARED'`,
      )
      .run(reason, now, cleared ? 1 : 0, now, plan.session.id);
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
    const changed = ctx.db
      .prepare(
        `UPDATE mimo_sessions SET pid = ?, process_started_at_os = ?, executable_path = ?, argv_hash = ?, launch_nonce = ?
         WHERE id = ? AND lifecycle_state = 'PREPARED'`,
      )
      .run(
        gate.pid,
        identity.os_start_time,
        identity.executable_path,
        identity.argv_hash,
        identity.launch_nonce,
        plan.session.id,
      );
    if (changed.changes !== 1) {
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

/** Starts the gate, records it, then lets it start Mimo; returns the gate, its tree and Mimo's pid. */
export async function startGated(
  ctx: ServiceContext,
  plan: Plan,
  l: LaunchSpec,
): Promise<{ gate: MimoGate; tree: ProcessTree; pid: number }> {
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
  const report = await releaseMimoGate(gate, { argv: l.argv, cwd: l.workspace, env: l.env });
  if (!report.ok) {
    // It may still start Mimo (a report that did not come): end it and all it started.
    await killTree(tree, "SIGKILL");
    releaseTree(tree);
    throw new OrchestratorError(report.reason);
  }
  return { gate, tree, pid: report.pid };
}

interface Started {
  pid: number;
  /** Windows TUI: the start time read from the CreateProcessW handle. */
  startTime: string | null;
  gated: { gate: MimoGate; tree: ProcessTree } | null;
}

/**
 * Behind the gate everywhere except a Windows TUI, which needs a console window of its own
 * through CreateProcessW and is started directly (recorded right after it starts).
 */
async function startMimo(ctx: ServiceContext, plan: Plan, l: LaunchSpec): Promise<Started> {
  if (l.mode === "tui" && process.platform === "win32") {
    const { pid, startTime } = await spawnDetachedTui(l.argv, l.workspace, { ...l.env });
    return { pid, startTime, gated: null };
  }
  const { gate, tree, pid } = await startGated(ctx, plan, l);
  return { pid, startTime: null, gated: { gate, tree } };
}

/** Ends a Mimo that could not be recorded: no one else could see or stop it. */
async function stopUnrecorded(started: Started): Promise<void> {
  if (started.gated) {
    await killTree(started.gated.tree, "SIGKILL");
    releaseTree(started.gated.tree);
    return;
  }
  try {
    process.kill(process.platform === "win32" ? started.pid : -started.pid, "SIGKILL");
  } catch {
    // already gone
  }
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
  if (gated) {
    if (input.mode === "headless") {
      trackHeadless(s.id, { child: gated.gate.child, tree: gated.tree, stderrPath: plan.paths.stderr });
    } else {
      releaseTree(gated.tree);
    }
    detachMimoGate(gated.gate);
  }
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
    const changed = ctx.db
      .prepare(
        `UPDATE mimo_sessions SET lifecycle_state = ?, workspace_path = ?, briefing_path = ?, command_json = ?, pid = ?,
           process_started_at_os = ?, executable_path = ?, argv_hash = ?, launch_nonce = ?, stdout_path = ?,
           stderr_path = ?, started_at = ?
         WHERE id = ? AND lifecycle_state = 'PREPARED'`,
      )
      .run(
        state,
        made.worktree,
        made.briefing,
        JSON.stringify(argv),
        pid,
        identity.os_start_time,
        identity.executable_path,
        identity.argv_hash,
        identity.launch_nonce,
        mode === "headless" ? paths.stdout : null,
        mode === "headless" ? paths.stderr : null,
        now,
        s.id,
      );
    if (changed.changes !== 1) {
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
