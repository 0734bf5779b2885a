import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { HandoffEvent } from "../../src/handoff/event-types.js";
import { initRepo } from "../helpers/git-repo.js";
import { call, connect, REPO_ROOT, SERVER_ENTRY, tempDir, type Connected } from "../helpers/mcp-client.js";
import { buildPredecessorDataDir, type PredecessorDir } from "../helpers/predecessor-ledger.js";
import { fakeControllerTemplate } from "../helpers/fake-controller-harness.js";

const SUPERVISOR = path.join(REPO_ROOT, "dist", "src", "cli", "host-continuation.js");

interface Wait {
  status: string;
  events: HandoffEvent[];
  event_count: number;
}

// The oldest and the newest predecessor shapes: the lifecycle must go on from either.
describe.each([0, 4])("after importing a predecessor data dir at user_version %i", (v) => {
  let root: string;
  let old: PredecessorDir;
  let dataDir: string;
  let codex: Connected;
  let junior: Connected;

  beforeAll(async () => {
    root = tempDir("legacy-e2e");
    old = buildPredecessorDataDir(path.join(root, "old"), v, initRepo());
    dataDir = path.join(root, "new");
    const r = spawnSync(
      process.execPath,
      [SERVER_ENTRY, "import-legacy", "--from", old.dataDir, "--data-dir", dataDir],
      {
        encoding: "utf8",
      },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    codex = await connect(dataDir, { name: "codex-1", role: "codex" });
    junior = await connect(dataDir, { name: "junior-1", role: "worker_junior" });
  });

  afterAll(async () => {
    await codex?.close();
    await junior?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("the imported actors, task and events are served over MCP, and the next event takes the next seq", async () => {
    const me = await call<{ actor_name: string; primary_role: string }>(codex, "orchestrator.whoami");
    expect(me).toMatchObject({ actor_name: "codex-1", primary_role: "codex" });
    const task = await call<{ id: number; status: string; title: string }>(codex, "task.get", { task_id: 7 });
    expect(task).toMatchObject({ id: 7, status: "WORK_PACKAGES_ASSIGNED", title: "Legacy task" });

    const seen = await call<Wait>(codex, "handoff.wait_for_event", {
      work_package_id: 5,
      after_event_count: 0,
      timeout_seconds: 1,
    });
    expect(seen.status).toBe("event");
    expect(seen.events.map((e) => [e.seq, e.type])).toEqual([
      [1, "WORKER_STARTED"],
      [2, "WORKER_READY_FOR_REVIEW"],
      [3, "CONTROLLER_REWORK_REQUESTED"],
    ]);

    // The imported claim holds: the claimer reports, and the event lands after the imported ones.
    const waiting = call<Wait>(codex, "handoff.wait_for_event", {
      work_package_id: 5,
      after_event_count: 3,
      timeout_seconds: 20,
    });
    await call(junior, "handoff.report_worker_event", {
      work_package_id: 5,
      event_type: "WORKER_BLOCKED",
      message: "the imported package goes on",
    });
    const woken = await waiting;
    expect(woken.status).toBe("event");
    expect(woken.events.map((e) => [e.seq, e.type, e.worker])).toEqual([[4, "WORKER_BLOCKED", "junior-1"]]);

    // The kept events.ndjson gets the new line after the predecessor's three, which are unchanged.
    const copied = path.join(dataDir, "runs", "project-3", "task-7", "package-5", "events.ndjson");
    const lines = fs.readFileSync(copied, "utf8").split("\n").filter(Boolean);
    expect(lines.slice(0, 3).join("\n")).toBe(fs.readFileSync(old.eventsFile, "utf8").trimEnd());
    expect(JSON.parse(lines[3]!)).toMatchObject({ seq: 4, type: "WORKER_BLOCKED" });

    // The waiting controller took that event; one reported while nobody waits is the supervisor's.
    await call(junior, "handoff.report_worker_event", {
      work_package_id: 5,
      event_type: "WORKER_NEEDS_CONTROLLER",
      message: "nobody is waiting now",
    });

    // The kept cursor says the first three lines were handled: the supervisor reads only the new
    // ones (none ignored) and queues the one no wait took.
    const scan = spawnSync(process.execPath, [SUPERVISOR, "--data-dir", dataDir, "--once"], {
      // A launch command is required for --once; the fake controller stands in for Codex.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GRACE_LOG_LEVEL: "warn",
        GRACE_CODEX_START_COMMAND: fakeControllerTemplate(""),
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(scan.status).toBe(0);
    expect(JSON.parse(scan.stdout)).toMatchObject({ enqueued_count: 1, ignored_count: 0 });
  }, 60_000);
});
