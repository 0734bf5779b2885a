import { describe, expect, test } from "vitest";
import { isReachable, reachableRoles, TOOL_NEEDS, type ReachFacts } from "../../src/domain/tool-reach.js";
import { allTools } from "../../src/tools/index.js";

const WAIT = { toolCallLimitSeconds: 60, transportGraceSeconds: 10 };
const facts = (f: Partial<ReachFacts> & Pick<ReachFacts, "primaryRole">): ReachFacts => ({
  capabilities: [],
  delegatedRoles: [],
  ...f,
});

describe("which tools a name's registrations can reach", () => {
  test.each([
    ["an unregistered codex: its own tools only", facts({ primaryRole: "codex" }), "task.close", true],
    ["an unregistered codex cannot plan", facts({ primaryRole: "codex" }), "task.plan", false],
    ["an unregistered codex cannot claim", facts({ primaryRole: "codex" }), "workpackage.claim", false],
    [
      "a codex holding the glm capability does not plan until delegated",
      facts({ primaryRole: "codex", capabilities: ["codex", "glm"] }),
      "task.plan",
      false,
    ],
    [
      "a codex delegated glm plans",
      facts({ primaryRole: "codex", capabilities: ["codex", "glm"], delegatedRoles: ["glm"] }),
      "task.plan",
      true,
    ],
    [
      "a codex delegated glm still cannot claim",
      facts({ primaryRole: "codex", capabilities: ["codex", "glm"], delegatedRoles: ["glm"] }),
      "submission.create",
      false,
    ],
    [
      "a shared-Codex worker claims",
      facts({ primaryRole: "codex", capabilities: ["codex", "worker_junior"] }),
      "workpackage.claim",
      true,
    ],
    [
      "a worker capability reaches the report gate",
      facts({ primaryRole: "codex", capabilities: ["worker_pro"] }),
      "gate.validate_worker_report",
      true,
    ],
    ["glm plans by its own role", facts({ primaryRole: "glm" }), "workpackage.create", true],
    [
      "glm without a worker capability does not claim",
      facts({ primaryRole: "glm" }),
      "workpackage.claim",
      false,
    ],
    [
      "a test_owner alone cannot plan",
      facts({ primaryRole: "test_owner" }),
      "verification.register_plan",
      false,
    ],
    [
      "a test_owner delegated glm plans",
      facts({ primaryRole: "test_owner", delegatedRoles: ["glm"] }),
      "verification.register_plan",
      true,
    ],
    ["a junior claims by its own role", facts({ primaryRole: "worker_junior" }), "workpackage.claim", true],
    ["a junior runs tests", facts({ primaryRole: "worker_junior" }), "repo.run_tests", true],
    ["a user reads", facts({ primaryRole: "user" }), "task.get", true],
    ["a user cannot launch Mimo", facts({ primaryRole: "user" }), "mimo.launch_package", false],
  ] as const)("%s", (_name, f, tool, listed) => {
    expect(isReachable(tool, reachableRoles(f))).toBe(listed);
  });

  test("every tool the table names is a tool of the server", () => {
    const names = new Set(allTools({ wait: WAIT }).map((d) => d.name));
    expect(Object.keys(TOOL_NEEDS).filter((tool) => !names.has(tool))).toEqual([]);
  });
});
