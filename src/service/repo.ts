import fs from "node:fs";
import { bytePage } from "../domain/byte-page.js";
import { OrchestratorError, notPartOf } from "../domain/errors.js";
import { DIFF_PAGE_DEFAULT_BYTES, DIFF_PAGE_MAX_BYTES } from "../domain/limits.js";
import { WORKER_ROLES, type Role } from "../domain/roles.js";
import { repoDiff } from "../git/repo-diff.js";
import { repoStatus } from "../git/repo-status.js";
import { runAllowlistedTest } from "../git/run-tests.js";
import { inTransaction } from "../ledger/database.js";
import { parseJson, stableJson } from "../ledger/json.js";
import type { PackageRow } from "../ledger/tables/work-packages.js";
import { findLiveWorkspace } from "../ledger/tables/mimo-sessions.js";
import { findSubmissionDiff } from "../ledger/tables/submissions.js";
import { insertTestRun } from "../ledger/tables/test-runs.js";
import { testCommandOf } from "./test-commands.js";
import {
  loadPackage,
  loadProject,
  loadTask,
  requirePackageRead,
  requireProjectMember,
  requireRole,
  requireWorker,
} from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";

/** Workers never reach the repo tools' project read (it refuses them), so no worker branch is kept here. */
function projectRoot(ctx: ServiceContext, projectId: number): string {
  const project = loadProject(ctx, projectId);
  requireProjectMember(ctx, project.id, null);
  return project.repo_path;
}

export async function getRepoStatus(ctx: ServiceContext, projectId: number) {
  return repoStatus(projectRoot(ctx, projectId));
}

export interface DiffRequest {
  project_id: number;
  scope?: string | undefined;
  file_list?: string[] | undefined;
  /** A stored submission's diff (base to head) instead of the working tree's. */
  submission_id?: number | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

function submissionDiff(ctx: ServiceContext, projectId: number, submissionId: number): string {
  const row = findSubmissionDiff(ctx.db, submissionId);
  if (!row) throw new OrchestratorError(`Submission ${submissionId} does not exist`);
  if (row.project_id !== projectId) {
    throw new OrchestratorError(`Submission ${submissionId} does not belong to project ${projectId}`);
  }
  return row.diff;
}

/** One page of a diff: `offset`/`limit` in bytes; continue from next_offset while has_more. */
export async function getRepoDiff(ctx: ServiceContext, req: DiffRequest) {
  const root = projectRoot(ctx, req.project_id);
  if (req.submission_id !== undefined && (req.scope !== undefined || req.file_list !== undefined)) {
    throw new OrchestratorError("repo.diff takes submission_id or scope/file_list, not both");
  }
  const diff =
    req.submission_id !== undefined
      ? submissionDiff(ctx, req.project_id, req.submission_id)
      : await repoDiff(root, req.scope ?? "all", req.file_list ?? []);
  const limit = Math.min(req.limit ?? DIFF_PAGE_DEFAULT_BYTES, DIFF_PAGE_MAX_BYTES);
  const { text, ...page } = bytePage(diff, req.offset ?? 0, limit, DIFF_PAGE_MAX_BYTES);
  return { diff: text, ...page };
}

export interface RunTestsInput {
  project_id: number;
  task_id: number;
  work_package_id: number | null;
  command_key: string;
}

/** The newest live Mimo session worktree of the package, if one exists on disk; else the project repo. */
function testRoot(ctx: ServiceContext, repo: string, pkg: PackageRow | null): string {
  if (!pkg) return repo;
  const workspace = findLiveWorkspace(ctx.db, pkg.id);
  return workspace && fs.existsSync(workspace) ? workspace : repo;
}

function authorizeTestRun(
  ctx: ServiceContext,
  input: RunTestsInput,
): { role: string; pkg: PackageRow | null } {
  const task = loadTask(ctx, input.task_id);
  if (task.project_id !== input.project_id)
    throw notPartOf("task", task.id, "project", input.project_id, task.project_id);
  const pkg = input.work_package_id === null ? null : loadPackage(ctx, input.work_package_id);
  if (pkg && pkg.task_id !== task.id) throw notPartOf("work package", pkg.id, "task", task.id, pkg.task_id);
  if (!WORKER_ROLES.includes(ctx.actor.primaryRole)) {
    return { role: requireRole(ctx, "glm", task.project_id, task.id), pkg };
  }
  if (!pkg) throw new OrchestratorError("Worker test execution requires a work_package_id");
  requirePackageRead(ctx, pkg, task);
  const as: Role =
    pkg.status === "ASSIGNED" || pkg.status === "CLAIMED_JUNIOR" ? "worker_junior" : "worker_pro";
  const assigned = as === "worker_junior" ? pkg.assigned_junior_agent : pkg.assigned_pro_agent;
  return { role: requireWorker(ctx, as, task.project_id, task.id, assigned), pkg };
}

/** Allowlisted argv only (never shell text), one log pair per run, a test_runs row and an audit row. */
export async function runTests(ctx: ServiceContext, input: RunTestsInput, timeoutMs?: number) {
  const { role, pkg } = authorizeTestRun(ctx, input);
  const project = loadProject(ctx, input.project_id);
  const allowlist = parseJson<Record<string, unknown>>(project.allowed_test_commands_json, {});
  if (!Object.hasOwn(allowlist, input.command_key)) {
    throw new OrchestratorError(`Test command '${input.command_key}' is not allowlisted`);
  }
  const { argv, env } = testCommandOf(input.command_key, allowlist[input.command_key]);
  const run = await runAllowlistedTest({
    commandKey: input.command_key,
    argv,
    declaredEnv: env,
    cwd: testRoot(ctx, project.repo_path, pkg),
    dataDir: ctx.dataDir,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  const id = inTransaction(ctx.db, () => {
    const testRunId = insertTestRun(ctx.db, {
      task_id: input.task_id,
      work_package_id: pkg?.id ?? null,
      command_key: input.command_key,
      command_json: stableJson(argv),
      exit_code: run.exit_code,
      stdout_path: run.stdout_path,
      stderr_path: run.stderr_path,
      created_at: nowIso(ctx),
    });
    audit(ctx, role, "repo.test_run_recorded", "test_run", testRunId, {
      command_key: input.command_key,
      exit_code: run.exit_code,
      timed_out: run.timed_out,
    });
    return testRunId;
  });
  return {
    test_run_id: id,
    command_key: input.command_key,
    exit_code: run.exit_code,
    signal: run.signal,
    timed_out: run.timed_out,
    duration_ms: run.duration_ms,
    stdout_path: run.stdout_path,
    stderr_path: run.stderr_path,
  };
}
