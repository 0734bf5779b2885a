import { describe, expect, test } from "vitest";
import {
  decideEffectiveRole,
  decideWorker,
  delegationRefusal,
  type AgentFacts,
  type DelegationFacts,
  type EffectiveRoleQuery,
} from "../../src/domain/authorization.js";
import type { Role } from "../../src/domain/roles.js";

const NOW = new Date("2026-11-25T12:00:00Z");
const FUTURE = "2026-11-26T00:00:00.000Z";
const PAST = "2026-11-24T00:00:00.000Z";

function agent(name: string, primaryRole: Role, caps: Role[] = [primaryRole], available = true): AgentFacts {
  return { name, primaryRole, capabilities: caps, availability: available ? "available" : "unavailable" };
}

function delegation(over: Partial<DelegationFacts> = {}): DelegationFacts {
  return {
    id: 7,
    taskId: null,
    substituteActor: "sub",
    delegatedRole: "glm",
    expiresAt: FUTURE,
    revokedAt: null,
    ...over,
  };
}

function q(over: Partial<EffectiveRoleQuery>): EffectiveRoleQuery {
  return {
    actorName: "sub",
    actorPrimaryRole: "test_owner",
    requiredRole: "glm",
    projectId: 1,
    taskId: null,
    agent: null,
    delegations: [],
    now: NOW,
    ...over,
  };
}

describe("effective role", () => {
  const cases: [string, Partial<EffectiveRoleQuery>, string | false][] = [
    ["codex primary needs no registration", { actorPrimaryRole: "codex", requiredRole: "codex" }, "primary"],
    ["user primary needs no registration", { actorPrimaryRole: "user", requiredRole: "user" }, "primary"],
    ["glm primary unregistered is refused", { actorPrimaryRole: "glm" }, false],
    [
      "glm primary registered and available",
      { actorPrimaryRole: "glm", agent: agent("sub", "glm") },
      "registered",
    ],
    [
      "glm primary registered under another role is refused",
      { actorPrimaryRole: "glm", agent: agent("sub", "worker_junior") },
      false,
    ],
    [
      "glm primary registered as test_owner without the glm capability is refused",
      { actorPrimaryRole: "glm", agent: agent("sub", "test_owner", ["test_owner"]) },
      false,
    ],
    [
      "glm primary registered but unavailable",
      { actorPrimaryRole: "glm", agent: agent("sub", "glm", ["glm"], false) },
      false,
    ],
    ["project-wide delegation", { delegations: [delegation()] }, "delegation"],
    ["expired delegation", { delegations: [delegation({ expiresAt: PAST })] }, false],
    ["revoked delegation", { delegations: [delegation({ revokedAt: PAST })] }, false],
    ["unparsable expiry", { delegations: [delegation({ expiresAt: "soon" })] }, false],
    ["delegation of another role", { delegations: [delegation({ delegatedRole: "test_owner" })] }, false],
    ["delegation to someone else", { delegations: [delegation({ substituteActor: "other" })] }, false],
    [
      "task-scoped delegation, same task",
      { taskId: 5, delegations: [delegation({ taskId: 5 })] },
      "delegation",
    ],
    ["task-scoped delegation, other task", { taskId: 6, delegations: [delegation({ taskId: 5 })] }, false],
    [
      "task-scoped delegation, no task known",
      { taskId: null, delegations: [delegation({ taskId: 5 })] },
      false,
    ],
    ["project-wide delegation applies to a task", { taskId: 9, delegations: [delegation()] }, "delegation"],
    [
      "a capability is not an effective role",
      { agent: agent("sub", "test_owner", ["glm", "test_owner"]) },
      false,
    ],
  ];
  test.each(cases)("%s", (_name, over, expected) => {
    const d = decideEffectiveRole(q(over));
    if (expected === false) {
      expect(d.granted).toBe(false);
      if (!d.granted) expect(d.reason).toBe("Actor 'sub' is not authorized for role glm on project 1");
    } else {
      expect(d).toMatchObject({ granted: true, via: expected });
    }
  });
});

describe("worker exact assignment", () => {
  const base = {
    actorName: "w1",
    actorPrimaryRole: "worker_junior" as Role,
    requiredRole: "worker_junior" as Role,
  };
  const cases: [string, Partial<Parameters<typeof decideWorker>[0]>, string][] = [
    ["assigned junior", { agent: agent("w1", "worker_junior"), assignedAgent: "w1" }, "granted"],
    ["not registered", { agent: null, assignedAgent: "w1" }, "Agent 'w1' is not registered in project 1"],
    [
      "unavailable",
      { agent: agent("w1", "worker_junior", ["worker_junior"], false), assignedAgent: "w1" },
      "Assigned agent 'w1' is not available",
    ],
    [
      "lacks capability",
      { agent: agent("w1", "worker_pro"), assignedAgent: "w1" },
      "Assigned agent 'w1' lacks capability worker_junior",
    ],
    [
      "registered junior, not assigned",
      { agent: agent("w1", "worker_junior"), assignedAgent: "w2" },
      "granted",
    ],
    [
      "shared codex named as junior",
      {
        actorPrimaryRole: "codex",
        agent: agent("w1", "codex", ["codex", "worker_junior"]),
        assignedAgent: "w1",
      },
      "granted",
    ],
    [
      "codex with capability but not assigned",
      {
        actorPrimaryRole: "codex",
        agent: agent("w1", "codex", ["codex", "worker_junior"]),
        assignedAgent: "w2",
      },
      "Actor 'w1' is not authorized for role worker_junior on project 1",
    ],
  ];
  test.each(cases)("%s", (_name, over, expected) => {
    const d = decideWorker({ ...q(base), assignedAgent: null, ...over });
    if (expected === "granted") expect(d.granted).toBe(true);
    else expect(d).toEqual({ granted: false, reason: expected });
  });
});

describe("delegation rules", () => {
  const glmOwner = agent("glm-1", "glm");
  const cases: [string, Role, AgentFacts | null, AgentFacts[], string | null][] = [
    [
      "codex cannot be delegated",
      "codex",
      agent("s", "glm", ["glm", "codex"]),
      [],
      "Codex authority cannot be delegated",
    ],
    [
      "unknown substitute",
      "glm",
      null,
      [],
      "Fallback substitute 'ghost' is not a registered agent of the project",
    ],
    [
      "substitute lacks capability",
      "glm",
      agent("codex", "codex"),
      [],
      "Fallback substitute 'codex' lacks capability glm",
    ],
    [
      "substitute unavailable",
      "glm",
      agent("s", "test_owner", ["glm", "test_owner"], false),
      [],
      "Fallback substitute 's' is not available",
    ],
    [
      "junior cannot receive",
      "worker_pro",
      agent("j", "worker_junior", ["worker_junior", "worker_pro"]),
      [],
      "Junior agents cannot receive fallback delegation",
    ],
    [
      "role already owned",
      "glm",
      agent("s", "test_owner", ["glm", "test_owner"]),
      [glmOwner],
      "Cannot delegate glm: an assigned available agent already owns that role",
    ],
    [
      "test_owner owned by a glm",
      "test_owner",
      agent("s", "worker_pro", ["test_owner", "worker_pro"]),
      [glmOwner],
      "Cannot delegate test_owner: an assigned available agent already owns that role",
    ],
    [
      "owner unavailable: allowed",
      "glm",
      agent("s", "test_owner", ["glm", "test_owner"]),
      [agent("glm-1", "glm", ["glm"], false)],
      null,
    ],
  ];
  test.each(cases)("%s", (_name, role, substitute, projectAgents, expected) => {
    const substituteName = substitute?.name ?? "ghost";
    expect(delegationRefusal({ role, substituteName, substitute, projectAgents })).toBe(expected);
  });
});
