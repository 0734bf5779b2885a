/**
 * `grace-orchestrator-mcp doctor`: each check passing and failing against real files, a real git
 * repo, a real ledger and real processes; then the built command's screen and exit code.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { settingsFromEnv } from "../../src/config/settings.js";
import { writeHeartbeat } from "../../src/continuation/heartbeat.js";
import type { DoctorContext, Env } from "../../src/doctor/check.js";
import { dataDirChecks, freeSpaceCheck } from "../../src/doctor/data-dir-checks.js";
import { supervisorCheck, wakeCheck } from "../../src/doctor/live-checks.js";
import {
  controllerChecks,
  identityCheck,
  mimoCheck,
  nodeCheck,
  waitCapCheck,
} from "../../src/doctor/setup-checks.js";
import { openLedger } from "../../src/ledger/database.js";
import { LATEST_VERSION } from "../../src/ledger/migrations.js";
import { captureIdentity } from "../../src/process/identity.js";
import { initRepo, tempDir } from "../helpers/git-repo.js";
import { REPO_ROOT } from "../helpers/mcp-client.js";

const FAKE_MIMO = path.join(REPO_ROOT, "scripts", "demo", "fake-mimo.mjs");
const BIN = path.join(REPO_ROOT, "dist", "src", "cli", "bin", "grace-orchestrator-mcp.js");

function ctx(env: Env = {}, over: Partial<DoctorContext> = {}): DoctorContext {
  return {
    env: { PATH: process.env.PATH, ...env },
    platform: process.platform,
    nodeVersion: "22.23.3",
    execPath: process.execPath,
    now: new Date(),
    ...over,
  };
}
const verdicts = (results: { verdict: string }[]) => results.map((r) => r.verdict);

/** A folder on PATH holding an executable `mimo` (the fake one). */
function mimoOnPath(): string {
  const dir = tempDir("doctor-bin-");
  fs.symlinkSync(FAKE_MIMO, path.join(dir, "mimo"));
  return dir;
}

describe("checks", () => {
  test("Node: 22.12+ passes, 20 fails with what to run", () => {
    expect(nodeCheck(ctx()).verdict).toBe("ok");
    const old = nodeCheck(ctx({}, { nodeVersion: "20.20.2" }));
    expect(old).toMatchObject({ verdict: "fail", title: "Node v20.20.2 is older than 22.12" });
    expect(old.fix).toContain("npm ci");
  });

  test("data dir: missing fails; a file in its place is not writable; inside a repo fails; a fresh one passes", () => {
    expect(dataDirChecks(path.join(tempDir("doc-"), "nope"), ctx())[0]).toMatchObject({ verdict: "fail" });
    const file = path.join(tempDir("doc-"), "afile");
    fs.writeFileSync(file, "");
    expect(dataDirChecks(file, ctx())[0]!.title).toContain("not writable");
    const repo = initRepo();
    fs.mkdirSync(path.join(repo, "data"));
    const inRepo = dataDirChecks(path.join(repo, "data"), ctx());
    expect(inRepo[1]).toMatchObject({
      verdict: "fail",
      title: `The data dir is inside the git repository ${repo}`,
    });
    const fresh = dataDirChecks(tempDir("doc-"), ctx());
    expect(verdicts(fresh)).toEqual(["ok", "ok", "ok", "ok"]);
    expect(fresh[2]!.title).toContain("no ledger yet");
  });

  test("ledger version: current passes, older warns, newer fails", () => {
    const dir = tempDir("doc-ledger-");
    openLedger(dir).close();
    expect(dataDirChecks(dir, ctx())[2]).toMatchObject({
      verdict: "ok",
      title: `ledger schema ${LATEST_VERSION} (current)`,
    });
    const setVersion = (v: number) => {
      const db = new Database(path.join(dir, "ledger.sqlite3"));
      db.pragma(`user_version = ${v}`);
      db.close();
    };
    setVersion(LATEST_VERSION - 1);
    expect(dataDirChecks(dir, ctx())[2]!.verdict).toBe("warn");
    setVersion(LATEST_VERSION + 1);
    expect(dataDirChecks(dir, ctx())[2]!.verdict).toBe("fail");
  });

  test.each([
    [50 * 1024 ** 2, "fail"],
    [512 * 1024 ** 2, "warn"],
    [5 * 1024 ** 3, "ok"],
  ])("free space %i bytes → %s", (bytes, verdict) => {
    expect(freeSpaceCheck(bytes).verdict).toBe(verdict);
  });

  test("identity: unset warns, an unknown role fails, a valid pair passes", () => {
    expect(identityCheck(ctx()).verdict).toBe("warn");
    const bad = identityCheck(
      ctx({ GRACE_ORCHESTRATOR_ACTOR_NAME: "x", GRACE_ORCHESTRATOR_ACTOR_ROLE: "boss" }),
    );
    expect(bad).toMatchObject({ verdict: "fail" });
    expect(bad.title).toContain("'boss'");
    const good = identityCheck(
      ctx({ GRACE_ORCHESTRATOR_ACTOR_NAME: "glm-1", GRACE_ORCHESTRATOR_ACTOR_ROLE: "glm" }),
    );
    expect(good).toMatchObject({ verdict: "ok", title: "actor glm-1, role glm" });
  });

  test("Mimo: not on PATH warns; on PATH resolves to its absolute path", () => {
    const settings = settingsFromEnv({ GRACE_ORCHESTRATOR_DATA_DIR: tempDir("doc-") });
    expect(mimoCheck(settings, ctx({ PATH: "/nonexistent" })).verdict).toBe("warn");
    const bin = mimoOnPath();
    const found = mimoCheck(settings, ctx({ PATH: `${bin}:/usr/bin` }));
    expect(found).toMatchObject({ verdict: "ok", title: `'mimo' → ${path.join(bin, "mimo")}` });
  });

  test("controller templates: none warns, unparsable or unknown program fails, a resolvable one passes", () => {
    expect(verdicts(controllerChecks(ctx()))).toEqual(["warn"]);
    expect(controllerChecks(ctx({ GRACE_CODEX_START_COMMAND: `codex "unterminated` }))[0]!.verdict).toBe(
      "fail",
    );
    const missing = controllerChecks(ctx({ GRACE_CODEX_RESUME_COMMAND: "no-such-codex-here exec resume" }));
    expect(missing[0]).toMatchObject({ verdict: "fail" });
    expect(missing[0]!.title).toContain("'no-such-codex-here' not found");
    const good = controllerChecks(
      ctx({ GRACE_CODEX_START_COMMAND: `${process.execPath} controller.mjs {prompt_file}` }),
    );
    expect(good[0]).toMatchObject({
      verdict: "ok",
      title: `GRACE_CODEX_START_COMMAND: ${process.execPath} → ${process.execPath}`,
    });
  });

  test("waits: a limit at or under the grace fails, over the client's default warns, the default passes", () => {
    const at = (limit: string, grace = "10") =>
      waitCapCheck(
        settingsFromEnv({
          GRACE_HANDOFF_WAIT_TOOL_CALL_LIMIT_SECONDS: limit,
          GRACE_HANDOFF_WAIT_TRANSPORT_GRACE_SECONDS: grace,
        }),
      ).verdict;
    expect([at("10"), at("120"), at("60")]).toEqual(["fail", "warn", "ok"]);
  });

  test("supervisor: never started warns, a dead pid's heartbeat warns, a live process's heartbeat passes", async () => {
    const dir = tempDir("doc-sup-");
    expect((await supervisorCheck(dir, ctx())).title).toBe("No supervisor has run on this data dir");
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    writeHeartbeat(dir, {
      pid: dead,
      os_start_time: "1@gone",
      at: new Date().toISOString(),
      poll_interval_seconds: 5,
    });
    expect(await supervisorCheck(dir, ctx())).toMatchObject({ verdict: "warn" });
    const me = await captureIdentity(process.pid);
    writeHeartbeat(dir, {
      pid: process.pid,
      os_start_time: me.os_start_time,
      at: new Date().toISOString(),
      poll_interval_seconds: 5,
    });
    expect(await supervisorCheck(dir, ctx())).toMatchObject({
      verdict: "ok",
      title: `running, pid ${process.pid}`,
    });
  });

  test("wake round trip: passes in a data dir, fails when signals/ cannot be created", async () => {
    expect((await wakeCheck(tempDir("doc-wake-"), ctx())).verdict).toBe("ok");
    const blocked = tempDir("doc-wake-");
    fs.writeFileSync(path.join(blocked, "signals"), "not a folder");
    expect((await wakeCheck(blocked, ctx())).verdict).toBe("fail");
  });
});

describe("the doctor command", () => {
  const run = (env: Record<string, string>, args: string[] = []) =>
    spawnSync(process.execPath, [BIN, "doctor", ...args], {
      encoding: "utf8",
      env: { PATH: `${mimoOnPath()}:${process.env.PATH}`, HOME: process.env.HOME ?? "", ...env },
      timeout: 30_000,
    });

  test("a missing data dir: Notes first with the ✗ and its fix, exit 1", () => {
    const missing = path.join(tempDir("doc-cli-"), "nope");
    const r = run({}, ["--data-dir", missing]);
    expect(r.status).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[2]).toBe("Notes");
    expect(lines[3]).toBe(`  ✗ The data dir does not exist: ${missing}`);
    // A new installation has no data dir yet: the fix says so and where one comes from.
    expect(lines[4]).toMatch(
      /^ {6}fix: Expected before the first start: the first server an MCP client starts/,
    );
    expect(r.stdout).toContain(`✗ The data dir does not exist: ${missing}\n      from --data-dir\n`);
    expect(r.stdout.split("\n").length).toBeLessThan(50);
  });

  test("a configured installation: every section present, exit 0", () => {
    const data = tempDir("doc-cli-");
    openLedger(data).close();
    const r = run({
      GRACE_ORCHESTRATOR_DATA_DIR: data,
      GRACE_ORCHESTRATOR_ACTOR_NAME: "codex-main",
      GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex",
      GRACE_CODEX_START_COMMAND: `${process.execPath} x.mjs`,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    for (const section of [
      "Runtime",
      "Data dir",
      "Identity",
      "Mimo",
      "Controller",
      "Waits",
      "Supervisor",
      "Wake",
    ])
      expect(r.stdout).toContain(`\n${section}\n`);
    expect(r.stdout).toContain("✓ actor codex-main, role codex");
  });
});
