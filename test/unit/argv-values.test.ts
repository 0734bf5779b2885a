import { describe, expect, test } from "vitest";
import { argvValueRefusal, type ArgvValueKind } from "../../src/domain/argv-values.js";
import { headlessArgv, tuiArgv } from "../../src/mimo/argv.js";

const FLAG = "(a value starting with '-' would be read as an option)";

describe("values placed into a child's argv", () => {
  const cases: [ArgvValueKind, string, string | null][] = [
    ["agent_name", "worker-1", null],
    ["agent_name", "glm.main_2", null],
    ["agent_name", "--dangerously-skip-permissions", FLAG],
    ["agent_name", "-x", FLAG],
    ["agent_name", "has space", "is not allowed: use"],
    ["agent_name", "", "is not allowed: use"],
    ["agent_name", "a".repeat(65), "is not allowed: use"],
    ["agent_name", "semi;colon", "is not allowed: use"],
    ["mimo_agent", "build", null],
    ["mimo_agent", "build-junior", null],
    ["mimo_agent", "--dangerously-skip-permissions", FLAG],
    ["mimo_agent", "-", FLAG],
    ["mimo_agent", "build --trust", "is not allowed: use"],
    ["mimo_agent", "a/b", "is not allowed: use"],
    ["mimo_model", "xiaomi/mimo-v2.5", null],
    ["mimo_model", "zai-coding-plan/glm-5.2", null],
    ["mimo_model", "openrouter/vendor/model:beta@2+x", null],
    ["mimo_model", "--model=evil", FLAG],
    ["mimo_model", "-zai/glm-4", FLAG],
    ["mimo_model", "xiaomi/mimo v2", "is not allowed: use"],
    ["mimo_model", "xiaomi/mimo\nv2", "is not allowed: use"],
    ["mimo_model", `x/${"m".repeat(200)}`, "is not allowed: use"],
  ];
  test.each(cases)("%s %j", (kind, value, refusal) => {
    const got = argvValueRefusal(kind, value);
    if (refusal === null) expect(got).toBeNull();
    else expect(got).toContain(refusal);
  });

  test("the argv builders refuse a flag-shaped agent or model even when a caller skipped the checks", () => {
    const base = { program: ["/usr/bin/mimo"], model: "xiaomi/mimo-v2.5", prompt: "p" };
    expect(() => tuiArgv({ ...base, agent: "--dangerously-skip-permissions" })).toThrow(
      `Mimo launch argv: mimo_agent "--dangerously-skip-permissions" is not allowed ${FLAG}`,
    );
    expect(() =>
      headlessArgv({
        ...base,
        agent: "build",
        model: "xiaomi/mimo-v2 --yolo",
        workspace: "/w",
        briefing: "/b",
        sessionId: 1,
      }),
    ).toThrow('Mimo launch argv: mimo_model "xiaomi/mimo-v2 --yolo" is not allowed');
    expect(tuiArgv({ ...base, agent: "build" })).toEqual([
      "/usr/bin/mimo",
      "--agent",
      "build",
      "--model",
      "xiaomi/mimo-v2.5",
      "--trust",
      "--prompt",
      "p",
    ]);
  });
});
