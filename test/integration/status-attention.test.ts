/**
 * grace-status as the person on duty reads it: what needs attention first (a blocked worker, a
 * controller not acknowledging, a dead letter, a session whose process died), whether a supervisor
 * runs, colours only on a terminal, NDJSON under --watch --json, a quiet end on a closed pipe, and
 * the HTML page rendered by a real headless Chromium.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { beforeAll, describe, expect, test } from "vitest";
import { identityFor } from "../../src/config/identity.js";
import { writeHeartbeat } from "../../src/continuation/heartbeat.js";
import { continuationId } from "../../src/continuation/ids.js";
import {
  claimDelivery,
  enqueueDeliveries,
  markControllerStarted,
} from "../../src/continuation/deliveries.js";
import { deadLetterDue, findDelivery } from "../../src/ledger/tables/continuation-deliveries.js";
import { openLedger } from "../../src/ledger/database.js";
import { captureIdentity } from "../../src/process/identity.js";
import { createServiceContext } from "../../src/service/context.js";
import { reportWorkerEvent } from "../../src/service/handoff.js";
import type { StatusSnapshot } from "../../src/status/snapshot.js";
import { chromium, HAS_CHROMIUM } from "../helpers/chromium.js";
import { initRepo, tempDir } from "../helpers/git-repo.js";
import { REPO_ROOT } from "../helpers/mcp-client.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

const CLI = path.join(REPO_ROOT, "dist", "src", "cli", "bin", "grace-status.js");
const BLOCKED = "need a decision on the API shape";
const MIN = 60_000;

let dataDir: string;
let ids: { projectId: number; taskId: number; packageIds: number[] };
let deadPid: number;

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Four packages: one blocked worker, two launched controllers (ACK due in 4 min / overdue), one dead letter. */
beforeAll(async () => {
  dataDir = tempDir("status-attn-");
  ids = seedClaimedPackage(dataDir, initRepo(), "junior-1", 4);
  const db = openLedger(dataDir);
  const ctx = createServiceContext(db, identityFor("junior-1", "worker_junior"), dataDir);
  reportWorkerEvent(
    ctx,
    {
      work_package_id: ids.packageIds[0]!,
      event_type: "WORKER_BLOCKED",
      message: BLOCKED,
    },
    0,
  );
  ctx.signal.close();
  const now = Date.now();
  const run = (i: number) => `project-${ids.projectId}/task-${ids.taskId}/package-${ids.packageIds[i]}`;
  const items = [1, 2, 3].map((i) => ({
    runId: run(i),
    sourceEventId: `evt_${i}`,
    continuationId: continuationId(run(i), `evt_${i}`),
  }));
  enqueueDeliveries(db, items, new Date(now - 10 * MIN).toISOString());
  const me = await captureIdentity(process.pid);
  for (const [i, leaseMs] of [
    [0, 4 * MIN + 30_000],
    [1, -90_000],
  ] as const) {
    const row = findDelivery(db, items[i]!.continuationId)!;
    const iso = new Date(now).toISOString();
    expect(
      claimDelivery(db, row, `att-${i}`, { pid: process.pid, startedAtOs: me.os_start_time }, iso, iso),
    ).toBe(true);
    expect(
      markControllerStarted(
        db,
        items[i]!.continuationId,
        `att-${i}`,
        me,
        new Date(now + leaseMs).toISOString(),
      ),
    ).toBe("started");
  }
  expect(
    deadLetterDue(
      db,
      findDelivery(db, items[2]!.continuationId)!,
      new Date(now).toISOString(),
      "controller never started",
    ),
  ).toBe(true);
  // Two sessions the ledger believes run: this test process (alive) and one that has exited.
  deadPid = spawnSync(process.execPath, ["-e", "0"]).pid!;
  const insert = db.prepare(
    `INSERT INTO mimo_sessions (project_id, task_id, work_package_id, requested_by_agent, assigned_agent, assigned_role, mode,
       lifecycle_state, pid, process_started_at_os, created_at, started_at)
     VALUES (?, ?, ?, 'codex-main', 'junior-1', 'worker_junior', 'headless', 'RUNNING', ?, ?, ?, ?)`,
  );
  const started = new Date(now - 3 * MIN).toISOString();
  insert.run(ids.projectId, ids.taskId, ids.packageIds[3], process.pid, me.os_start_time, started, started);
  insert.run(ids.projectId, ids.taskId, ids.packageIds[3], deadPid, "1@gone", started, started);
  db.close();
});

describe("needs attention", () => {
  test("the text view lists every concern first, with ages and time left, and the supervisor's state", () => {
    const r = run(["--data-dir", dataDir]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    const [w0, w1, w2, w3] = ids.packageIds;
    const t = ids.taskId;
    expect(lines.slice(1, 7)).toEqual([
      "Supervisor: never started on this data dir: worker events start no controller",
      "Needs attention (5):",
      `  ! WP #${w0} (task #${t}) WORKER_BLOCKED, just now: ${BLOCKED}`,
      `  ! WP #${w1} (task #${t}) controller started, awaiting ACK, 4 min left: controller started, no ACK yet`,
      `  ! WP #${w2} (task #${t}) controller started, awaiting ACK, overdue by 1 min: controller started, no ACK yet`,
      `  ! WP #${w3} (task #${t}) continuation dead-lettered, 10 min ago: controller never started`,
    ]);
    expect(lines[7]).toMatch(
      new RegExp(
        `^ {2}! WP #${w3} \\(task #${t}\\) Mimo session process gone, 3 min ago: Mimo session #\\d+: process ${deadPid} is gone$`,
      ),
    );
    expect(r.stdout).toContain(`PID:${deadPid} gone]`);
    expect(r.stdout).toContain(`[RUNNING PID:${process.pid}]`);
    expect(r.stdout).toContain("running Mimo sessions: 1");
  });

  test("--json carries the same items, the counts and the supervisor; a live heartbeat says running", async () => {
    const me = await captureIdentity(process.pid);
    const beatDir = tempDir("status-beat-");
    fs.cpSync(dataDir, beatDir, { recursive: true });
    writeHeartbeat(beatDir, {
      pid: process.pid,
      os_start_time: me.os_start_time,
      at: new Date().toISOString(),
      poll_interval_seconds: 5,
    });
    const snap = JSON.parse(run(["--data-dir", beatDir, "--json"]).stdout) as StatusSnapshot;
    expect(snap.needs_attention.map((i) => i.kind)).toEqual([
      "worker_event",
      "awaiting_ack",
      "awaiting_ack",
      "dead_letter",
      "session_gone",
    ]);
    expect(snap.counts).toEqual({
      tasks: 1,
      work_packages: 4,
      running_sessions: 1,
      open_deliveries: 3,
      needs_attention: 5,
    });
    expect(snap.supervisor).toMatchObject({ state: "alive", pid: process.pid });
    expect(run(["--data-dir", beatDir]).stdout.split("\n")[1]).toMatch(
      /^Supervisor: running \(pid \d+, last beat (just now|\d+ s ago)\)$/,
    );
  });

  test("colour only on a terminal, and never with NO_COLOR", () => {
    const inTty = (env: string) =>
      spawnSync("script", ["-qec", `${env} ${process.execPath} ${CLI} --data-dir ${dataDir}`, "/dev/null"], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
        timeout: 30_000,
      }).stdout;
    expect(inTty("")).toContain("\u001b[31mNeeds attention (5):");
    expect(inTty("NO_COLOR=1")).not.toContain("\u001b[");
    expect(run(["--data-dir", dataDir]).stdout).not.toContain("\u001b[");
  });

  test("an unknown project exits 2 and says how to list them", () => {
    const r = run(["--data-dir", dataDir, "--project", "99"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("No project 99 in");
  });

  test("--watch --json | head -1: one NDJSON line, then a quiet exit 0 when the reader closes the pipe", async () => {
    const child = spawn(process.execPath, [CLI, "--data-dir", dataDir, "--watch", "0.2", "--json"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const firstLine = await new Promise<string>((resolve) => {
      let buf = "";
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        if (buf.includes("\n")) resolve(buf.slice(0, buf.indexOf("\n")));
      });
    });
    expect((JSON.parse(firstLine) as StatusSnapshot).counts.needs_attention).toBe(5);
    child.stdout.destroy(); // what `head -1` does after its line
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).toBe("");
  });
});

/** Distinct byte values in a PNG's inflated pixel data: a blank page has a handful, a rendered one many. */
function pngVariety(file: string): number {
  const png = fs.readFileSync(file);
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return new Set(zlib.inflateSync(Buffer.concat(parts))).size;
}

describe.skipIf(!HAS_CHROMIUM)("--html in headless Chromium", () => {
  test("one self-contained page: attention, supervisor, a timeline SVG per package, not blank", () => {
    const out = tempDir("status-html-");
    const page = path.join(out, "status.html");
    const r = run(["--data-dir", dataDir, "--html", page]);
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(page, "utf8");
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const dom = chromium(["--dump-dom", `file://${page}`]).stdout;
    expect(dom).toContain("Needs attention (5)");
    expect(dom).toContain(BLOCKED);
    expect(dom).toContain('id="supervisor"');
    // Counts read as the text view's ("projects: 1"), never "1 projects".
    expect(dom).toMatch(/: projects: 1, tasks: \d+, work packages: 4, open deliveries: \d+<\/p>/);
    expect(dom.match(/<section class="package"/g)).toHaveLength(4);
    expect(dom.match(/<svg[^>]*class="timeline"/g)).toHaveLength(4);
    expect(dom).toMatch(/<circle class="mark event"/);
    expect(dom).toMatch(/<circle class="mark launch"/);
    expect(dom).toMatch(/<circle class="mark continuation"/);
    const shot = path.join(out, "shot.png");
    chromium([`--screenshot=${shot}`, "--window-size=1000,900", `file://${page}`]);
    const blank = path.join(out, "blank.html");
    fs.writeFileSync(blank, "<!doctype html><html><body></body></html>");
    const blankShot = path.join(out, "blank.png");
    chromium([`--screenshot=${blankShot}`, "--window-size=1000,900", `file://${blank}`]);
    // The negative control shows what "blank" measures; the page must be far from it.
    expect(pngVariety(blankShot)).toBeLessThan(10);
    expect(pngVariety(shot)).toBeGreaterThan(50);
  });
});
