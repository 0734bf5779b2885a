import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { stringContaining } from "../helpers/matchers.js";
import { launchPackage } from "../../src/service/mimo-launch.js";
import { git } from "../helpers/git-repo.js";
import {
  addAgent,
  FAKE_MIMO,
  insertPackage,
  makeWorld,
  tellExit,
  waitForRecord,
  type World,
} from "../helpers/fake-mimo-world.js";

const worlds: World[] = [];
async function world(dataDirName?: string) {
  const w = await makeWorld(dataDirName ? { dataDirName } : {});
  worlds.push(w);
  return w;
}
afterEach(() => {
  for (const w of worlds.splice(0)) w.close();
});

function prompt(briefing: string) {
  return stringContaining(`Read the immutable GRACE briefing at ${briefing}.`);
}

describe("mimo.launch_package with a fake mimo", () => {
  test("explicit model: exact argv, cwd = new detached worktree at the base, briefing labels, WORKER_STARTED", async () => {
    const w = await world();
    addAgent(w, "mimo-2.5", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "mimo-2.5" });
    const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    expect(s.lifecycle_state).toBe("TUI_DETACHED");
    const ws = path.join(
      w.dataDir,
      "worktrees",
      `project-${w.projectId}`,
      `package-${pkg}`,
      `session-${s.id}`,
    );
    const briefing = path.join(w.dataDir, "briefings", `mimo-session-${s.id}.md`);
    expect(s.workspace_path).toBe(ws);
    expect(s.briefing_path).toBe(briefing);
    const rec = await waitForRecord(w.records, s.pid!);
    expect(rec.executable).toBe(FAKE_MIMO);
    expect(rec.argv).toEqual([
      "--agent",
      "build",
      "--model",
      "xiaomi/mimo-v2.5",
      "--trust",
      "--prompt",
      rec.argv[6],
    ]);
    expect(rec.argv[6]).toEqual(prompt(briefing));
    expect(s.command).toEqual([FAKE_MIMO, ...rec.argv]);
    expect(rec.argv).not.toContain("--dangerously-skip-permissions");
    expect(fs.realpathSync(rec.cwd)).toBe(fs.realpathSync(ws));
    // The worker's process must not inherit the launching server's identity.
    expect(rec.env.GRACE_ORCHESTRATOR_ACTOR_NAME).toBeUndefined();
    expect(git(ws, "rev-parse", "HEAD")).toBe(w.base);
    const entry = git(w.repo, "worktree", "list", "--porcelain")
      .split("\n\n")
      .find((e) => e.startsWith(`worktree ${ws}\n`));
    expect(entry).toContain("\ndetached");
    const text = fs.readFileSync(briefing, "utf8");
    for (const line of [
      `Session: ${s.id}`,
      "Registered agent: mimo-2.5",
      "Bound role required: worker_junior",
      "Selected provider/model backend: xiaomi/mimo-v2.5",
      "Backend family: mimo",
      "Selected MiMoCode TUI agent: build",
      `Isolated workspace: ${ws}`,
      `Work-package id: ${pkg}`,
      `Base commit: ${w.base}`,
      "Allowed files: ['src/**']",
      "Forbidden files: ['tests/**']",
    ]) {
      expect(text).toContain(line);
    }
    expect(s.handoff_event).toMatchObject({
      type: "WORKER_STARTED",
      worker: "mimo-2.5",
      payload: { session_id: s.id, mode: "tui", workspace_path: ws },
    });
    const events = w.db.prepare("SELECT type FROM handoff_events WHERE work_package_id = ?").all(pkg);
    expect(events).toEqual([{ type: "WORKER_STARTED" }]);
    expect(s.pid).toBeGreaterThan(0);
    expect(s.process_started_at_os).not.toBe("UNKNOWN");
    expect(s.workspace_base_commit).toBe(w.base);
    const pkgRow = w.db.prepare("SELECT status, claimed_by_agent FROM work_packages WHERE id = ?").get(pkg);
    expect(pkgRow).toEqual({ status: "ASSIGNED", claimed_by_agent: null }); // launch never claims
    const audits = w.db
      .prepare("SELECT event_type FROM audit_log WHERE target_type = 'mimo_session' ORDER BY id")
      .all()
      .map((r) => (r as { event_type: string }).event_type);
    expect(audits).toEqual(["mimo.session_prepared", "mimo.launch_gate_recorded", "mimo.session_launched"]);
    tellExit(w.records, s.pid!);
  });

  test("a worker whose server names tools with underscores gets a briefing that names them so", async () => {
    const w = await world();
    addAgent(w, "free", "worker_junior", { mimo_model: "mimo-auto-junior", mimo_agent: "build-junior" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "free" });
    const runtime = { ...w.runtime, toolNames: "underscore" as const };
    const s = await launchPackage(w.glm, runtime, { work_package_id: pkg, mode: "tui" });
    const text = fs.readFileSync(s.briefing_path!, "utf8");
    for (const name of ["orchestrator_whoami", "workpackage_claim", "repo_run_tests", "submission_create"]) {
      expect(text).toContain(name);
    }
    expect(text).toContain("handoff_report_worker_event");
    expect(text).not.toMatch(/orchestrator\.whoami|workpackage\.claim|submission\.create/);
    await waitForRecord(w.records, s.pid!);
    tellExit(w.records, s.pid!);
  });

  test("free auto backend: no --model, the agent binding is passed", async () => {
    const w = await world();
    addAgent(w, "free", "worker_junior", { mimo_model: "mimo-auto-junior", mimo_agent: "build-junior" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "free" });
    const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    const rec = await waitForRecord(w.records, s.pid!);
    expect(rec.argv.slice(0, 4)).toEqual(["--agent", "build-junior", "--trust", "--prompt"]);
    expect(rec.argv).toHaveLength(5);
    expect(rec.argv).not.toContain("--model");
    tellExit(w.records, s.pid!);
  });

  test("Z.ai worker backend launches with its model", async () => {
    const w = await world();
    addAgent(w, "zai", "worker_junior", { mimo_model: "zai/glm-4.7-flash", mimo_agent: "coder" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "zai" });
    const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    const rec = await waitForRecord(w.records, s.pid!);
    expect(rec.argv.slice(0, 5)).toEqual(["--agent", "coder", "--model", "zai/glm-4.7-flash", "--trust"]);
    tellExit(w.records, s.pid!);
  });

  test("hostile data-dir characters stay inside single argv elements; nothing is interpreted", async () => {
    const hostileDir = `data dir 'q' "dq" ; echo pwned && $(touch PWNED) %PATH% \`id\``;
    const w = await world(hostileDir);
    addAgent(w, "odd", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5", mimo_agent: "build" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "odd" });
    const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    const rec = await waitForRecord(w.records, s.pid!);
    const briefing = path.join(w.dataDir, "briefings", `mimo-session-${s.id}.md`);
    expect(rec.argv).toEqual([
      "--agent",
      "build",
      "--model",
      "xiaomi/mimo-v2.5",
      "--trust",
      "--prompt",
      rec.argv[6],
    ]);
    expect(rec.argv[6]).toEqual(prompt(briefing));
    expect(fs.existsSync(briefing)).toBe(true);
    expect(fs.realpathSync(rec.cwd)).toBe(fs.realpathSync(s.workspace_path!));
    for (const dir of [w.root, w.repo, w.dataDir, rec.cwd])
      expect(fs.existsSync(path.join(dir, "PWNED"))).toBe(false);
    tellExit(w.records, s.pid!);
  });

  test("an agent binding or model written before the argv rule is refused at launch, before any side effect", async () => {
    const w = await world();
    addAgent(w, "old", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    // A row as an older server stored it: the binding is a flag, not a name.
    w.db.prepare("UPDATE agents SET mimo_agent = ? WHERE name = 'old'").run("--dangerously-skip-permissions");
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "old" });
    await expect(launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" })).rejects.toThrow(
      /^Agent 'old' \(agent \d+\) on project \d+: mimo_agent "--dangerously-skip-permissions" is not allowed \(a value starting with '-' would be read as an option\)/,
    );
    expect(w.db.prepare("SELECT COUNT(*) AS n FROM mimo_sessions").get()).toEqual({ n: 0 });
    expect(fs.existsSync(path.join(w.dataDir, "briefings"))).toBe(false);
  });

  test("a missing Mimo executable fails the session and leaves no worktree or briefing", async () => {
    const w = await world();
    addAgent(w, "mimo-2.5", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "mimo-2.5" });
    const runtime = { ...w.runtime, command: "grace-no-such-mimo-binary" };
    await expect(launchPackage(w.glm, runtime, { work_package_id: pkg, mode: "tui" })).rejects.toThrow(
      "Mimo executable 'grace-no-such-mimo-binary' was not found on PATH",
    );
    const row = w.db.prepare("SELECT lifecycle_state, failure_reason, ended_at FROM mimo_sessions").get() as {
      lifecycle_state: string;
      failure_reason: string;
      ended_at: string;
    };
    expect(row.lifecycle_state).toBe("FAILED");
    expect(row.failure_reason).toMatch(/not found/);
    expect(row.ended_at).toBeTruthy();
    expect(fs.readdirSync(path.join(w.dataDir, "briefings"))).toEqual([]);
    expect(
      fs.readdirSync(path.join(w.dataDir, "worktrees", `project-${w.projectId}`, `package-${pkg}`)),
    ).toEqual([]);
    expect(git(w.repo, "worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
    // The failed session does not hold the dispatch lock.
    const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    expect(s.lifecycle_state).toBe("TUI_DETACHED");
    tellExit(w.records, s.pid!);
  });
});

describe("agent registration keeps argv values names, not flags", () => {
  const cases: [string, { name?: string; mimo_agent?: string; mimo_model?: string }, string][] = [
    [
      "a flag as the MiMoCode agent",
      { mimo_agent: "--dangerously-skip-permissions" },
      `Agent registration 'w1' on project PID: mimo_agent "--dangerously-skip-permissions" is not allowed (a value starting with '-' would be read as an option)`,
    ],
    [
      "a flag as the agent name",
      { name: "--help" },
      `Agent registration on project PID: agent_name "--help" is not allowed (a value starting with '-' would be read as an option)`,
    ],
    [
      "a space-separated second argument inside the agent",
      { mimo_agent: "build --yolo" },
      `Agent registration 'w1' on project PID: mimo_agent "build --yolo" is not allowed: use`,
    ],
    [
      "shell syntax inside the model",
      { mimo_model: "xiaomi/mimo-v2.5;rm" },
      `Agent registration 'w1' on project PID: mimo_model "xiaomi/mimo-v2.5;rm" is not allowed: use`,
    ],
  ];
  test.each(cases)("%s is refused and nothing is stored", async (_label, over, message) => {
    const w = await world();
    const before = w.db.prepare("SELECT COUNT(*) AS n FROM agents").get();
    expect(() =>
      addAgent(w, over.name ?? "w1", "worker_junior", {
        mimo_model: over.mimo_model ?? "xiaomi/mimo-v2.5",
        ...(over.mimo_agent ? { mimo_agent: over.mimo_agent } : {}),
      }),
    ).toThrow(message.replace("PID", String(w.projectId)));
    expect(w.db.prepare("SELECT COUNT(*) AS n FROM agents").get()).toEqual(before);
  });
});
