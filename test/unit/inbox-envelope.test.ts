import { describe, expect, test } from "vitest";
import {
  ENVELOPE_MAX_BYTES,
  clampEnvelope,
  envelopeBytes,
  type InboxEnvelope,
} from "../../src/service/inbox-envelope.js";

function envelope(over: Partial<InboxEnvelope> = {}, context: Record<string, unknown> = {}): InboxEnvelope {
  return {
    item_id: "work-package:7",
    kind: "work_package",
    project_id: 1,
    task_id: 2,
    work_package_id: 7,
    current_state: "ASSIGNED",
    assigned_actor: "junior-1",
    assigned_role: "worker_junior",
    title: "t",
    objective: "o",
    next_action: { tool: "workpackage.claim", arguments: { work_package_id: 7 } },
    context,
    updated_at: "2026-01-01T00:00:00.000Z",
    ...over,
  };
}

describe("envelope size", () => {
  test.each([
    // Sorted keys with ", " and ": " separators; the larger of raw UTF-8 and \uXXXX escaping.
    [{ b: 1, a: 2 }, '{"a": 2, "b": 1}'.length],
    [{ a: "д" }, '{"a": "\\u0434"}'.length],
    [{ a: ["x", "y"] }, '{"a": ["x", "y"]}'.length],
    [{ a: "日本" }, '{"a": "\\u65e5\\u672c"}'.length],
  ])("%j measures %i bytes", (value, bytes) => {
    expect(envelopeBytes(value)).toBe(bytes);
  });
});

const big = "Ж".repeat(2000);
const list = Array.from({ length: 200 }, (_, i) => `src/module-${i}/**`);

describe("clamp order: each step runs only when the previous ones were not enough", () => {
  test("a small envelope is returned unchanged", () => {
    const e = envelope();
    expect(clampEnvelope(e)).toBe(e);
  });

  test.each<[string, InboxEnvelope, (c: InboxEnvelope) => void]>([
    [
      "a long objective is cut to 100 characters first; the context stays",
      envelope({ objective: "я".repeat(700) }, { task_title: "keep", allowed_files: ["a"] }),
      (c) => {
        expect(c.objective).toBe(`${"я".repeat(100)}...`);
        expect(c.context).toEqual({ task_title: "keep", allowed_files: ["a"] });
      },
    ],
    [
      "then contract_discovery becomes 'truncated' while the lists stay",
      envelope({}, { contract_discovery: { module_refs: list }, allowed_files: ["a"] }),
      (c) => expect(c.context).toEqual({ contract_discovery: "truncated", allowed_files: ["a"] }),
    ],
    [
      "then lists become '[n items]' in order, stopping once it fits",
      envelope({}, { allowed_files: list, forbidden_files: list, test_surface: ["unit"] }),
      (c) =>
        expect(c.context).toEqual({
          allowed_files: "[200 items]",
          forbidden_files: "[200 items]",
          test_surface: ["unit"],
        }),
    ],
    [
      "then long context texts are cut to 50 characters",
      envelope({}, { task_objective: big, package_objective: "short", allowed_files: [] }),
      (c) =>
        expect(c.context).toEqual({
          task_objective: `${"Ж".repeat(50)}...`,
          package_objective: "short",
          allowed_files: "[0 items]",
        }),
    ],
    [
      "then the context is replaced by {compact: true}",
      envelope({}, { rollback_boundary: big }),
      (c) => expect(c.context).toEqual({ compact: true }),
    ],
    [
      "then the objective is cut to 30 and a long title to 50; the objective goes last",
      envelope({ title: "ю".repeat(800), objective: "o".repeat(200) }),
      (c) => {
        expect(c.objective).toBe(`${"o".repeat(30)}...`);
        expect(c.title).toBe(`${"ю".repeat(50)}...`);
      },
    ],
  ])("%s", (_name, input, check) => {
    expect(envelopeBytes(input)).toBeGreaterThan(ENVELOPE_MAX_BYTES);
    const clamped = clampEnvelope(input);
    expect(envelopeBytes(clamped)).toBeLessThanOrEqual(ENVELOPE_MAX_BYTES);
    check(clamped);
    for (const key of ["item_id", "project_id", "task_id", "work_package_id", "next_action"] as const) {
      expect(clamped[key]).toEqual(input[key]);
    }
  });

  test("ids that alone exceed the cap are refused with the measured size", () => {
    const e = envelope({ assigned_actor: "a".repeat(5000) });
    expect(() => clampEnvelope(e)).toThrow(
      `Envelope size (${envelopeBytes({ ...e, objective: undefined, title: "t", context: { compact: true } })} bytes) exceeds maximum limit of 4096 UTF-8 bytes`,
    );
  });
});
