/**
 * The status read model (without the audit tail): projects → tasks → work
 * packages → Mimo sessions, plus the continuation deliveries that still need someone. Pure
 * SELECTs on a caller-supplied connection, so it works on a read-only ledger.
 */
import { classifyNextAction, type NextAction } from "../domain/next-action.js";
import type { PackageStatus } from "../domain/package-states.js";
import type { TaskStatus } from "../domain/task-states.js";
import { parseRunId } from "../continuation/paths.js";
import { prepareSessionsOfTask, TASK_LEVEL } from "../ledger/tables/controller-sessions.js";
import type { SupervisorState } from "../continuation/heartbeat.js";
import type { Db } from "../ledger/database.js";
import { unresolvedDeliveries, type DeliveryRow } from "../ledger/tables/continuation-deliveries.js";
import { preparePackageEventSummaries, type PackageEventSummary } from "../ledger/tables/handoff-events.js";
import { findProject, listProjects } from "../ledger/tables/projects.js";
import { listTasksOfProject } from "../ledger/tables/tasks.js";
import { packagesOfTaskReader, type PackageRow } from "../ledger/tables/work-packages.js";
import { prepareSessionBriefsOfTask, type SessionBriefRow } from "../ledger/tables/mimo-sessions.js";
import { attentionItems, type AttentionItem } from "./attention.js";

export interface SessionView {
  id: number;
  assigned_agent: string;
  assigned_role: string;
  mode: string;
  lifecycle_state: string;
  pid: number | null;
  started_at: string | null;
  ended_at: string | null;
  /** The ledger says it runs, but its process is gone. */
  process_gone: boolean;
}

export interface LatestEvent {
  type: string;
  created_at: string;
}

export interface PackageView {
  id: number;
  title: string;
  status: string;
  assigned_junior_agent: string | null;
  assigned_pro_agent: string | null;
  claimed_by_agent: string | null;
  updated_at: string;
  event_count: number;
  latest_event: LatestEvent | null;
  latest_session_state: string | null;
  /** The Codex session recorded from the controller's calls on this package; the supervisor resumes it. */
  controller_session_id: string | null;
  /** Newest first. */
  mimo_sessions: SessionView[];
}

export interface TaskView {
  id: number;
  title: string;
  status: string;
  created_at: string;
  updated_at: string;
  next_action: NextAction;
  /** The Codex session that last acted on the task, recorded from its calls. */
  controller_session_id: string | null;
  work_packages: PackageView[];
}

export interface ProjectView {
  id: number;
  name: string;
  repo_path: string;
  main_branch: string;
  created_at: string;
  updated_at: string;
  tasks: TaskView[];
}

export interface DeliveryView {
  continuation_id: string;
  run_id: string;
  project_id: number | null;
  task_id: number | null;
  work_package_id: number | null;
  state: string;
  attempt_count: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
}

export interface StatusCounts {
  tasks: number;
  work_packages: number;
  running_sessions: number;
  open_deliveries: number;
  needs_attention: number;
}

export interface StatusSnapshot {
  snapshot_timestamp: string;
  /** Whether a host continuation supervisor runs on this data dir (from its heartbeat). */
  supervisor: SupervisorState;
  /** What a person should look at first; see attention.ts. */
  needs_attention: AttentionItem[];
  counts: StatusCounts;
  projects_count: number;
  projects: ProjectView[];
  /** Every delivery not yet RESOLVED: pending, in flight, waiting to retry or dead-lettered. */
  continuation_deliveries: DeliveryView[];
}

export interface SnapshotOptions {
  projectId?: number | undefined;
  /** Injected so renders and tests are deterministic. */
  now?: Date;
  /** Sessions whose process was probed gone (goneSessionIds), probed before the read. */
  goneSessions?: ReadonlySet<number>;
  supervisor?: SupervisorState;
}

/** Reads the whole picture in one read transaction, so a concurrent writer cannot tear it. */
export function snapshot(db: Db, options: SnapshotOptions = {}): StatusSnapshot {
  return db.transaction(() => read(db, options))();
}

function read(db: Db, options: SnapshotOptions): StatusSnapshot {
  const projectId = options.projectId;
  const chosen = projectId === undefined ? undefined : findProject(db, projectId);
  const projects = projectId === undefined ? listProjects(db) : chosen ? [chosen] : [];
  const packagesOf = packagesOfTaskReader(db);
  const sessionsOf = prepareSessionBriefsOfTask(db);
  const controllerSessionsOf = prepareSessionsOfTask(db);
  const eventSummariesOf = preparePackageEventSummaries(db);
  const gone = options.goneSessions ?? new Set<number>();

  const projectViews = projects.map((p): ProjectView => {
    const tasks = listTasksOfProject(db, p.id).map((t): TaskView => {
      const packages = packagesOf(t.id);
      const sessions = sessionsOf(t.id);
      const counts = new Map(eventSummariesOf(t.id).map((r) => [r.id, r]));
      const briefs = packages.map((w) => ({ id: w.id, status: w.status as PackageStatus }));
      const controller = new Map(controllerSessionsOf(t.id).map((r) => [r.work_package_id, r.session_id]));
      return {
        id: t.id,
        title: t.title,
        status: t.status,
        created_at: t.created_at,
        updated_at: t.updated_at,
        next_action: classifyNextAction(t.status as TaskStatus, briefs),
        controller_session_id: controller.get(TASK_LEVEL) ?? null,
        work_packages: packages.map((w) => ({
          ...packageView(w, sessions, counts.get(w.id), gone),
          controller_session_id: controller.get(w.id) ?? null,
        })),
      };
    });
    return {
      id: p.id,
      name: p.name,
      repo_path: p.repo_path,
      main_branch: p.main_branch,
      created_at: p.created_at,
      updated_at: p.updated_at,
      tasks,
    };
  });

  const deliveries = unresolvedDeliveries(db)
    .map(deliveryView)
    // Run ids name their project, so the filter needs no join (and never shows a foreign run).
    .filter((d) => projectId === undefined || d.project_id === projectId);

  const attention = attentionItems(db, gone, projectId);
  return {
    snapshot_timestamp: (options.now ?? new Date()).toISOString(),
    supervisor: options.supervisor ?? { state: "never_started" },
    needs_attention: attention,
    counts: countsOf(projectViews, deliveries.length, attention.length),
    projects_count: projectViews.length,
    projects: projectViews,
    continuation_deliveries: deliveries,
  };
}

const LIVE_STATES = ["RUNNING", "TUI_DETACHED"];

function countsOf(projects: readonly ProjectView[], openDeliveries: number, attention: number): StatusCounts {
  const tasks = projects.flatMap((p) => p.tasks);
  const packages = tasks.flatMap((t) => t.work_packages);
  const running = packages
    .flatMap((w) => w.mimo_sessions)
    .filter((s) => LIVE_STATES.includes(s.lifecycle_state) && !s.process_gone);
  return {
    tasks: tasks.length,
    work_packages: packages.length,
    running_sessions: running.length,
    open_deliveries: openDeliveries,
    needs_attention: attention,
  };
}

function packageView(
  w: PackageRow,
  sessions: readonly SessionBriefRow[],
  events: PackageEventSummary | undefined,
  gone: ReadonlySet<number>,
): Omit<PackageView, "controller_session_id"> {
  const own = sessions
    .filter((s) => s.work_package_id === w.id)
    .map(({ work_package_id: _drop, ...s }): SessionView => ({ ...s, process_gone: gone.has(s.id) }));
  return {
    id: w.id,
    title: w.title,
    status: w.status,
    assigned_junior_agent: w.assigned_junior_agent,
    assigned_pro_agent: w.assigned_pro_agent,
    claimed_by_agent: w.claimed_by_agent,
    updated_at: String(w.updated_at),
    event_count: events?.n ?? 0,
    latest_event: events ? { type: events.type, created_at: events.created_at } : null,
    latest_session_state: own[0]?.lifecycle_state ?? null,
    mimo_sessions: own,
  };
}

function deliveryView(d: DeliveryRow): DeliveryView {
  const run = parseRunId(d.run_id);
  return {
    continuation_id: d.continuation_id,
    run_id: d.run_id,
    project_id: run.projectId,
    task_id: run.taskId,
    work_package_id: run.packageId,
    state: d.state,
    attempt_count: d.attempt_count,
    next_attempt_at: d.next_attempt_at,
    last_error: d.last_error,
    created_at: d.created_at,
  };
}
