import { describe, expect, test } from "vitest";
import { settingsFromEnv } from "../../src/config/settings.js";
import { exposeToolNames, exposedToolName } from "../../src/domain/tool-names.js";
import { TOOL_EFFECTS, annotationsOf } from "../../src/tools/annotations.js";
import { allTools } from "../../src/tools/index.js";
import { toolsForRole } from "../../src/tools/registry.js";
import { portableSchema, type JsonSchema } from "../../src/tools/portable-schema.js";
import { MCP_HINT_DEFAULTS, readHints } from "../helpers/schema-rules.js";
import { EXECUTION_PACKET_SHAPE, WORKER_REPORT_SHAPE } from "../../src/tools/report-schemas.js";
import {
  PACKET_LABEL_SPECS,
  WORKER_REPORT_LABEL_SPECS,
  acceptedKeys,
  canonicalKey,
} from "../../src/gates/labels.js";

const TOOLS = allTools({ wait: { toolCallLimitSeconds: 60, transportGraceSeconds: 10 } });
const SAFE = Number.MAX_SAFE_INTEGER;

describe("portable schema", () => {
  const cases: [string, JsonSchema, JsonSchema][] = [
    [
      "drops $schema and additionalProperties",
      { $schema: "x", type: "object", additionalProperties: false },
      { type: "object" },
    ],
    [
      "an integer's exclusiveMinimum becomes minimum + 1",
      { type: "integer", exclusiveMinimum: 0 },
      { type: "integer", minimum: 1 },
    ],
    [
      "a number's exclusiveMinimum becomes minimum",
      { type: "number", exclusiveMinimum: 0.5 },
      { type: "number", minimum: 0.5 },
    ],
    [
      "the integer limit is no bound",
      { type: "integer", minimum: 0, maximum: SAFE },
      { type: "integer", minimum: 0 },
    ],
    [
      "a bound that matters stays",
      { type: "integer", minimum: 1, maximum: 200 },
      { type: "integer", minimum: 1, maximum: 200 },
    ],
    [
      "string and array sizes go",
      { type: "array", maxItems: 5, minItems: 1, items: { type: "string", maxLength: 9, minLength: 1 } },
      { type: "array", items: { type: "string" } },
    ],
    [
      "a record loses propertyNames and its value schema",
      { type: "object", propertyNames: { type: "string" }, additionalProperties: { type: "array" } },
      { type: "object" },
    ],
    [
      "a type array becomes one type, nullable",
      { type: ["string", "null"] },
      { type: "string", nullable: true },
    ],
    [
      "anyOf with null becomes the other member, nullable",
      { description: "d", anyOf: [{ type: "integer", exclusiveMinimum: 0 }, { type: "null" }] },
      { type: "integer", minimum: 1, description: "d", nullable: true },
    ],
    [
      "properties are made portable too",
      { type: "object", properties: { a: { $schema: "x", type: "integer", maximum: SAFE } } },
      { type: "object", properties: { a: { type: "integer" } } },
    ],
  ];
  test.each(cases)("%s", (_name, input, expected) => {
    expect(portableSchema(input)).toEqual(expected);
  });

  test("an output schema keeps its nulls and unions (the client validates answers against it)", () => {
    const schema = {
      $schema: "x",
      type: "object",
      properties: { a: { anyOf: [{ type: "string" }, { type: "null" }] } },
    };
    expect(portableSchema(schema, "output")).toEqual({
      type: "object",
      properties: { a: { anyOf: [{ type: "string" }, { type: "null" }] } },
    });
  });
});

describe("tool names", () => {
  test("underscore replaces the dot; dotted is the canonical name", () => {
    expect(exposedToolName("orchestrator.whoami", "underscore")).toBe("orchestrator_whoami");
    expect(exposedToolName("orchestrator.whoami", "dotted")).toBe("orchestrator.whoami");
  });

  test("text names only known tools as exposed; file names and other dotted words stay", () => {
    const names = ["repo.diff", "handoff.list_events_page"];
    expect(
      exposeToolNames(
        "read repo.diff, then handoff.list_events_page; see events.ndjson and repo.status",
        "underscore",
        names,
      ),
    ).toBe("read repo_diff, then handoff_list_events_page; see events.ndjson and repo.status");
    expect(exposeToolNames("repo.diff", "dotted", names)).toBe("repo.diff");
  });

  test("GRACE_ORCHESTRATOR_TOOL_NAMES: dotted by default, underscore on request, anything else refused", () => {
    expect(settingsFromEnv({}).toolNames).toBe("dotted");
    expect(settingsFromEnv({ GRACE_ORCHESTRATOR_TOOL_NAMES: " Underscore " }).toolNames).toBe("underscore");
    expect(() => settingsFromEnv({ GRACE_ORCHESTRATOR_TOOL_NAMES: "camel" })).toThrow(
      "GRACE_ORCHESTRATOR_TOOL_NAMES must be one of dotted, underscore, got 'camel'",
    );
  });
});

describe("annotations from one table", () => {
  test("every tool that writes has a row, and every row is a tool that writes", () => {
    const writers = TOOLS.filter((t) => !t.readOnly)
      .map((t) => t.name)
      .sort();
    expect(Object.keys(TOOL_EFFECTS).sort()).toEqual(writers);
  });

  test("a writer without a row is listed as the protocol's careful default, never as harmless", () => {
    expect(annotationsOf("made.up", false)).toEqual({});
    expect(readHints(annotationsOf("made.up", false))).toEqual({
      readOnly: false,
      destructive: true,
      idempotent: false,
      openWorld: true,
    });
  });

  test("every row reads back as its effect under the protocol's defaults, with no hint that equals one", () => {
    for (const [name, effect] of Object.entries(TOOL_EFFECTS)) {
      const listed = annotationsOf(name, false);
      expect(readHints(listed), name).toEqual({
        readOnly: false,
        destructive: effect.destructive,
        idempotent: effect.idempotent,
        openWorld: effect.openWorld ?? false,
      });
      for (const [hint, value] of Object.entries(listed)) {
        expect(value, `${name} ${hint}`).not.toBe(MCP_HINT_DEFAULTS[hint as keyof typeof MCP_HINT_DEFAULTS]);
      }
    }
  });

  test("a reader says it reads and touches nothing outside", () => {
    expect(readHints(annotationsOf("task.get", true))).toMatchObject({ readOnly: true, openWorld: false });
  });
});

describe("typed report and packet", () => {
  test("every role listing gate.validate_worker_report also lists submission.create, which describes the fields", () => {
    for (const role of ["user", "codex", "glm", "test_owner", "worker_junior", "worker_pro"] as const) {
      const names = toolsForRole(TOOLS, role).map((t) => t.name);
      if (names.includes("gate.validate_worker_report")) expect(names, role).toContain("submission.create");
    }
  });

  test.each([
    ["worker report", WORKER_REPORT_LABEL_SPECS, WORKER_REPORT_SHAPE],
    ["execution packet", PACKET_LABEL_SPECS, EXECUTION_PACKET_SHAPE],
  ] as const)("every %s label is a field the gate accepts under that key", (_what, specs, shape) => {
    for (const spec of specs) {
      const key = canonicalKey(spec.label);
      expect(Object.keys(shape)).toContain(key);
      expect(acceptedKeys(spec.label)).toContain(key);
    }
  });
});
