import { describe, expect, test } from "vitest";
import { backendFamily, modelsAllowedFor, validateBackendModel } from "../../src/mimo/backend-families.js";

describe("a model identifier's backend family", () => {
  test.each([
    ["mimo-auto-junior", "mimo_auto"],
    ["MiMo-Auto-Junior", "mimo_auto"],
    ["zai/glm-4.7-flash", "glm_worker"],
    ["openai/codex-luna", "codex_external"],
    ["openai/codex-terra", "codex_external"],
    ["openai/codex-shared", "codex_external"],
    ["zai-coding-plan/glm-5.2", "glm"],
    ["zai/glm-5", "glm"],
    ["zai/other", "unknown"],
    ["xiaomi/mimo-v2.5", "mimo"],
    ["mimo/mimo-v2", "mimo"],
    ["xiaomi/mimo", "unknown"],
    ["openai/gpt-5", "unknown"],
    ["zai-coding-plan-x/glm", "unknown"],
  ])("%s is %s", (model, family) => {
    expect(backendFamily(model)).toBe(family);
  });
});

describe("a role's model refusal lists every model the role may use", () => {
  test.each([
    ["worker_junior", "xiaomi/mimo-v2.5", "mimo-auto-junior", true],
    ["worker_pro", "xiaomi/mimo-v2.5", "mimo-auto-junior", false],
    ["glm", "zai-coding-plan/glm-5.2", "xiaomi/mimo-v2.5", false],
    ["test_owner", "zai/glm-5", "openai/codex-luna", false],
  ] as const)("%s takes %s; %s allowed: %s", (role, ok, other, otherOk) => {
    expect(validateBackendModel(ok, role).model).toBe(ok);
    if (otherOk) expect(validateBackendModel(other, role).model).toBe(other);
    else expect(() => validateBackendModel(other, role)).toThrow(other);
  });

  test("the refusal keeps its sentence and ends with the record, the field and the allowed globs", () => {
    expect(() =>
      validateBackendModel("mimo-auto-junior", "worker_pro", "Agent registration 'p' on project 2"),
    ).toThrow(
      "Pro worker backend 'mimo-auto-junior' is not allowed: use a Xiaomi/MiMo model, the approved Z.ai GLM worker backend, or an external Codex backend (free MiMo Auto is not allowed for Pro); " +
        "Agent registration 'p' on project 2: mimo_model for worker_pro must be one of " +
        "zai/glm-4.7-flash, openai/codex-luna, openai/codex-terra, openai/codex-shared, xiaomi/mimo-*, mimo/mimo-*",
    );
  });

  test("every allowed glob's own example is accepted for its role", () => {
    for (const role of ["worker_junior", "worker_pro", "glm", "test_owner", "codex"] as const) {
      for (const glob of modelsAllowedFor(role)) {
        const example = glob.replaceAll("*", "glm").replace("xiaomi/mimo-glm", "xiaomi/mimo-v2");
        expect(() => validateBackendModel(example, role), `${role}: ${example}`).not.toThrow();
      }
    }
  });
});
