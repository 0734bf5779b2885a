/** Shared set-up for the host continuation tests: temp data dirs, trigger lines, supervisors. */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { continuationSettingsFromEnv } from "../../src/config/continuation.js";
import { identityFromEnv } from "../../src/config/identity.js";
import { Supervisor, type SupervisorOptions } from "../../src/continuation/supervisor.js";
import { openLedger, type Db } from "../../src/ledger/database.js";
import { createServiceContext, type ServiceContext } from "../../src/service/context.js";
import {
  fakeControllerTemplate,
  readLaunchRecords,
  type LaunchRecord,
} from "../helpers/fake-controller-harness.js";

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `grace-cont-${prefix}-`));
}

export function runDirOf(dataDir: string, runId: string): string {
  return path.join(dataDir, "runs", ...runId.split("/"));
}

export function triggerLine(
  runId: string,
  seq: number,
  type = "WORKER_READY_FOR_REVIEW",
  payload: Record<string, unknown> = {},
): {
  eventId: string;
  line: string;
} {
  const [p, t, w] = runId.split("/").map((s) => Number(s.replace(/^\D+/, "")));
  const eventId = `evt_${randomBytes(16).toString("hex")}`;
  const event = {
    created_at: new Date().toISOString(),
    event_id: eventId,
    payload: { message: `event ${seq}`, ...payload },
    project_id: p,
    seq,
    task_id: t,
    type,
    work_package_id: w,
    worker: "junior-1",
  };
  return { eventId, line: `${JSON.stringify(event)}\n` };
}

/** Appends one trigger event line the way the projector does (one write, O_APPEND); returns its event id. */
export function appendTrigger(
  dataDir: string,
  runId: string,
  seq: number,
  type?: string,
  payload?: Record<string, unknown>,
): string {
  const dir = runDirOf(dataDir, runId);
  fs.mkdirSync(dir, { recursive: true });
  const { eventId, line } = triggerLine(runId, seq, type, payload);
  fs.appendFileSync(path.join(dir, "events.ndjson"), line);
  return eventId;
}

export function hostEvents(
  dataDir: string,
  runId: string,
): { type: string; payload: Record<string, unknown> }[] {
  const file = path.join(runDirOf(dataDir, runId), "host-events.ndjson");
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
}

export interface InProcess {
  dataDir: string;
  recordDir: string;
  supervisor: Supervisor;
  clock: { now: number; advance(ms: number): void };
  launches(): LaunchRecord[];
  /** Waits until `n` launches are recorded (the controller runs detached, so it lands a little later). */
  waitForLaunches(n: number, timeoutMs?: number): Promise<LaunchRecord[]>;
}

export function inProcessSupervisor(
  opts: {
    start?: string;
    resume?: string;
    waitSeconds?: string;
    dataDir?: string;
    /** GRACE_ORCHESTRATOR_TOOL_NAMES in the supervisor's environment: its controller's naming. */
    toolNames?: string;
  } & Partial<SupervisorOptions> = {},
): InProcess {
  const dataDir = opts.dataDir ?? tempDir("data");
  const recordDir = tempDir("launches");
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    GRACE_CODEX_START_COMMAND: opts.start ?? fakeControllerTemplate("{prompt_file}"),
    GRACE_CODEX_RESUME_COMMAND: opts.resume,
    GRACE_HOST_CONTINUATION_WAIT_SECONDS: opts.waitSeconds,
    FAKE_CONTROLLER_RECORD_DIR: recordDir,
    GRACE_ORCHESTRATOR_TOOL_NAMES: opts.toolNames,
  };
  const clock = {
    now: Date.parse("2030-01-01T00:00:00.000Z"),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const supervisor = new Supervisor({
    settings: continuationSettingsFromEnv(env, dataDir),
    pollIntervalSeconds: 5,
    clock: () => new Date(clock.now),
    ...opts,
  });
  const launches = () => readLaunchRecords(recordDir);
  return {
    dataDir,
    recordDir,
    supervisor,
    clock,
    launches,
    async waitForLaunches(n, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (launches().length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      return launches();
    },
  };
}

export function codexContext(dataDir: string, clock?: () => Date): { ctx: ServiceContext; db: Db } {
  const db = openLedger(dataDir);
  const actor = identityFromEnv({
    GRACE_ORCHESTRATOR_ACTOR_NAME: "codex-main",
    GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex",
  });
  return { ctx: createServiceContext(db, actor, dataDir, undefined, clock), db };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
