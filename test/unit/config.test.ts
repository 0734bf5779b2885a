import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { identityFromEnv } from "../../src/config/identity.js";
import { defaultDataDir, settingsFromEnv } from "../../src/config/settings.js";
import { parseRuntime } from "../../src/domain/roles.js";

describe("identity from the environment", () => {
  test.each([
    [{}, /^ACTOR_IDENTITY_UNCONFIGURED/],
    [{ GRACE_ORCHESTRATOR_ACTOR_NAME: "a" }, /^ACTOR_IDENTITY_UNCONFIGURED/],
    [{ GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex" }, /^ACTOR_IDENTITY_UNCONFIGURED/],
    [
      { GRACE_ORCHESTRATOR_ACTOR_NAME: "  ", GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex" },
      /^ACTOR_IDENTITY_UNCONFIGURED/,
    ],
    [
      { GRACE_ORCHESTRATOR_ACTOR_NAME: "a", GRACE_ORCHESTRATOR_ACTOR_ROLE: "admin" },
      /Unknown configured actor role/,
    ],
  ])("%j is refused", (env, message) => {
    expect(() => identityFromEnv(env)).toThrow(message);
  });

  test("values are trimmed, optional fields default, the requested-role fallback is read", () => {
    expect(
      identityFromEnv({
        GRACE_ORCHESTRATOR_ACTOR_NAME: " glm-1 ",
        GRACE_ORCHESTRATOR_REQUESTED_ROLE: " glm ",
        GRACE_ORCHESTRATOR_RUNTIME: "OpenAI/Codex",
        GRACE_ORCHESTRATOR_MODEL: "  ",
      }),
    ).toEqual({
      actorId: "actor-glm-1",
      name: "glm-1",
      primaryRole: "glm",
      requestedRole: "glm",
      runtime: "codex",
      provider: null,
      model: null,
      reasoningProfile: null,
    });
  });

  test.each([
    ["antigravity", "antigravity"],
    ["Google/Antigravity", "antigravity"],
    ["codex", "codex"],
    ["mimo", "mimo_tui"],
    ["mimo_tui", "mimo_tui"],
    ["something-else", "external"],
  ])("runtime %s → %s", (text, runtime) => {
    expect(parseRuntime(text)).toBe(runtime);
  });
});

describe("settings", () => {
  test("the default data dir is the per-user state dir, never the cwd", () => {
    expect(defaultDataDir({ XDG_STATE_HOME: "/x/state" }, "linux")).toBe("/x/state/grace-orchestrator");
    expect(defaultDataDir({}, "darwin")).toBe(
      path.join(os.homedir(), ".local", "state", "grace-orchestrator"),
    );
    expect(defaultDataDir({ LOCALAPPDATA: "C:\\Users\\me\\AppData\\Local" }, "win32")).toBe(
      "C:\\Users\\me\\AppData\\Local\\GraceOrchestrator",
    );
    expect(settingsFromEnv({}).dataDir).not.toBe(process.cwd());
  });

  test("wait limits default to Codex's 60 s tool timeout minus 10 s; bad values are refused", () => {
    const s = settingsFromEnv({ GRACE_ORCHESTRATOR_DATA_DIR: "/tmp/d" });
    expect([s.handoffWaitToolCallLimitSeconds, s.handoffWaitTransportGraceSeconds]).toEqual([60, 10]);
    expect(s.dataDir).toBe(path.resolve("/tmp/d"));
    expect(() => settingsFromEnv({ GRACE_HANDOFF_WAIT_TOOL_CALL_LIMIT_SECONDS: "soon" })).toThrow(
      /GRACE_HANDOFF_WAIT_TOOL_CALL_LIMIT_SECONDS/,
    );
    expect(() => settingsFromEnv({ GRACE_LOG_LEVEL: "loud" })).toThrow(/GRACE_LOG_LEVEL/);
  });

  test("worker events a package takes a minute: 10 by default, 0 = no limit, anything else refused", () => {
    const rate = (value?: string) =>
      settingsFromEnv(value === undefined ? {} : { GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE: value })
        .handoffWorkerEventsPerMinute;
    expect([rate(), rate(""), rate("0"), rate(" 25 ")]).toEqual([10, 10, 0, 25]);
    for (const bad of ["-1", "2.5", "many"]) {
      expect(() => rate(bad)).toThrow(/GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE must be a whole number/);
    }
  });
});
