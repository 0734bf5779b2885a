import { describe, expect, test } from "vitest";
import {
  bindingRefusal,
  type BindingQuery,
  type ProjectDelegation,
  type Registration,
} from "../../src/domain/binding.js";
import type { Role } from "../../src/domain/roles.js";

const NOW = new Date("2026-11-25T12:00:00Z");
const FUTURE = "2026-11-26T00:00:00.000Z";
const PAST = "2026-11-24T00:00:00.000Z";

function reg(projectId: number, primaryRole: Role, caps: Role[] = [primaryRole]): Registration {
  return { projectId, name: "ann", primaryRole, capabilities: caps, availability: "available" };
}

function del(over: Partial<ProjectDelegation> = {}): ProjectDelegation {
  return {
    id: 1,
    projectId: 1,
    taskId: null,
    substituteActor: "ann",
    delegatedRole: "glm",
    expiresAt: FUTURE,
    revokedAt: null,
    ...over,
  };
}

function q(over: Partial<BindingQuery>): BindingQuery {
  return {
    actorName: "ann",
    boundRole: "glm",
    projectId: 1,
    taskId: null,
    registrations: [],
    delegations: [],
    now: NOW,
    ...over,
  };
}

describe("the bound role must be one the ledger gives the name", () => {
  const cases: [string, Partial<BindingQuery>, boolean][] = [
    ["user declares itself", { boundRole: "user" }, true],
    ["codex declares itself", { boundRole: "codex" }, true],
    ["unregistered glm", {}, false],
    ["registered with the role in this project", { registrations: [reg(1, "glm")] }, true],
    [
      "registered with the role as a capability",
      { registrations: [reg(1, "test_owner", ["glm", "test_owner"])] },
      true,
    ],
    ["registered in this project under another role", { registrations: [reg(1, "worker_junior")] }, false],
    ["registered with the role in another project only", { registrations: [reg(2, "glm")] }, false],
    [
      "no project context: any project's registration",
      { projectId: null, registrations: [reg(2, "glm")] },
      true,
    ],
    [
      "no project context: registered nowhere with it",
      { projectId: null, registrations: [reg(2, "worker_pro")] },
      false,
    ],
    [
      "unavailable still holds its registered role",
      { registrations: [{ ...reg(1, "glm"), availability: "unavailable" }] },
      true,
    ],
    ["project delegation", { delegations: [del()] }, true],
    ["delegation of another role", { delegations: [del({ delegatedRole: "test_owner" })] }, false],
    ["delegation in another project", { delegations: [del({ projectId: 2 })] }, false],
    ["delegation to another name", { delegations: [del({ substituteActor: "bob" })] }, false],
    ["expired delegation", { delegations: [del({ expiresAt: PAST })] }, false],
    ["revoked delegation", { delegations: [del({ revokedAt: PAST })] }, false],
    ["task-scoped delegation, its task", { taskId: 5, delegations: [del({ taskId: 5 })] }, true],
    ["task-scoped delegation, another task", { taskId: 6, delegations: [del({ taskId: 5 })] }, false],
    ["task-scoped delegation, project-level call", { delegations: [del({ taskId: 5 })] }, false],
    [
      "task-scoped delegation, no project context",
      { projectId: null, delegations: [del({ taskId: 5 })] },
      true,
    ],
    [
      "expired delegation, no project context",
      { projectId: null, delegations: [del({ expiresAt: PAST })] },
      false,
    ],
  ];
  test.each(cases)("%s", (_label, over, granted) => {
    expect(bindingRefusal(q(over)) === null).toBe(granted);
  });

  test("the refusal names the registration: name, registered role and capabilities, project", () => {
    expect(bindingRefusal(q({ registrations: [reg(1, "worker_junior")] }))).toBe(
      "ACTOR_ROLE_NOT_GRANTED: this server was started as 'ann' with role glm (GRACE_ORCHESTRATOR_ACTOR_ROLE), " +
        "but the ledger does not grant that role on project 1: agent 'ann' is registered in project 1 as " +
        "worker_junior (capabilities worker_junior), and no active delegation gives it glm. Restart the server " +
        "with a role the agent is registered for, or have codex register or delegate it.",
    );
    expect(bindingRefusal(q({ registrations: [reg(2, "glm")] }))).toContain(
      "agent 'ann' is not registered in project 1,",
    );
  });

  test("a name registered in many projects is listed up to five, the rest counted", () => {
    const registrations = [1, 2, 3, 4, 5, 6, 7].map((p) => reg(p, "worker_pro"));
    const refusal = bindingRefusal(q({ projectId: null, registrations }))!;
    expect(refusal).toContain("in any project: agent 'ann' is registered in project 1 as worker_pro");
    expect(refusal).toContain("project 5 as worker_pro (capabilities worker_pro); and 2 more,");
    expect(refusal).not.toContain("project 6");
  });
});
