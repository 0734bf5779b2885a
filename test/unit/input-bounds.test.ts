import { describe, expect, test } from "vitest";
import { allTools } from "../../src/tools/index.js";
import { BoundedLineReader, oversizedRequestId } from "../../src/tools/line-reader.js";

const TOOLS = new Map(
  allTools({ wait: { toolCallLimitSeconds: 60, transportGraceSeconds: 10 } }).map((t) => [t.name, t]),
);

/** An object of ordinary entries, about `bytes` long as JSON. */
function big(bytes: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i * 100 < bytes; i += 1) out[`k${i}`] = "v".repeat(90);
  return out;
}

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i += 1) value = { inner: value };
  return value;
}

/** Every free-form JSON argument: the tool, the field, and the value the field wraps the bulk in. */
const FREE_FORM: [
  tool: string,
  field: string,
  wrap: (v: Record<string, unknown>) => unknown,
  label: string,
][] = [
  ["submission.create", "worker_report", (v) => v, "worker_report"],
  ["submission.create", "tests_run", (v) => [v], "tests_run item"],
  ["submission.controller_repair", "controller_report", (v) => v, "controller_report"],
  ["submission.controller_task_completion", "controller_report", (v) => v, "controller_report"],
  ["gate.validate_execution_packet", "packet", (v) => v, "packet"],
  ["gate.validate_worker_report", "worker_report", (v) => v, "worker_report"],
  ["verification.register_plan", "acceptance_mapping", (v) => v, "acceptance_mapping"],
  ["workpackage.create", "contract_discovery", (v) => v, "contract_discovery"],
  ["workpackage.create", "session_routing", (v) => v, "session_routing"],
  ["workpackage.create", "glm_scan_plan_report", (v) => v, "glm_scan_plan_report"],
  ["workpackage.create", "operation_isolation", (v) => v, "operation_isolation"],
  ["continuation.resolve", "resolution_data", (v) => v, "resolution_data"],
  ["review.glm_submit", "findings", (v) => [v], "findings item"],
  ["review.codex_submit", "required_fixes", (v) => [v], "required_fixes item"],
];

function messages(tool: string, field: string, value: unknown): string[] {
  const def = TOOLS.get(tool)!;
  const parsed = def.input.partial().safeParse({ [field]: value });
  return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
}

describe("free-form JSON arguments are bounded in size and depth", () => {
  test.each(FREE_FORM)(
    "%s %s: 100 KB is refused naming the field and the limit",
    (tool, field, wrap, label) => {
      const refused = messages(tool, field, wrap(big(100_000)));
      expect(
        refused.some((m) => m.startsWith(`${label} is `) && m.endsWith("the limit is 65536 bytes")),
      ).toBe(true);
    },
  );
  test.each(FREE_FORM)(
    "%s %s: 20 levels deep is refused naming the field and the depth",
    (tool, field, wrap, label) => {
      const refused = messages(tool, field, wrap(deep(20)));
      expect(refused).toContain(`${label} is nested more than 8 levels deep; the limit is 8 levels`);
    },
  );
  test.each(FREE_FORM)("%s %s: an ordinary value passes the bound", (tool, field, wrap) => {
    expect(
      messages(tool, field, wrap({ ...big(2_000), nested: deep(4) })).filter((m) => m.includes("limit")),
    ).toEqual([]);
  });

  test("project test commands are bounded as a whole", () => {
    const many = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`cmd${i}`, ["node", "x".repeat(400)]]),
    );
    expect(messages("project.set_test_commands", "allowed_test_commands", many)).toContain(
      `allowed_test_commands is ${JSON.stringify(many).length} bytes of JSON; the limit is 65536 bytes`,
    );
  });

  test("a worker event message is short enough for a page of events", () => {
    expect(messages("handoff.report_worker_event", "message", "m".repeat(2_001))).toHaveLength(1);
    expect(messages("handoff.report_worker_event", "message", "m".repeat(2_000))).toEqual([]);
  });
});

describe("BoundedLineReader", () => {
  test("splits lines across chunks and strips a CR", () => {
    const r = new BoundedLineReader(100);
    expect(r.push(Buffer.from('{"a":'))).toEqual([]);
    expect(r.push(Buffer.from('1}\r\n{"b":2}\n{"c"'))).toEqual([
      { kind: "line", text: '{"a":1}' },
      { kind: "line", text: '{"b":2}' },
    ]);
    expect(r.push(Buffer.from(":3}\n"))).toEqual([{ kind: "line", text: '{"c":3}' }]);
  });

  test("a line over the bound is skipped to its newline, reported with its size and ends, and reading goes on", () => {
    const r = new BoundedLineReader(10_000);
    const line = `{"method":"x","params":{"p":"${"z".repeat(50_000)}"},"jsonrpc":"2.0","id":41}`;
    const out = [];
    for (let at = 0; at < line.length; at += 3_000)
      out.push(...r.push(Buffer.from(line.slice(at, at + 3_000))));
    out.push(...r.push(Buffer.from('\n{"ok":1}\n')));
    expect(out).toHaveLength(2);
    const [skipped, next] = out;
    expect(skipped).toMatchObject({ kind: "oversized", bytes: line.length });
    expect(oversizedRequestId(skipped as { head: string; tail: string })).toBe(41);
    expect(next).toEqual({ kind: "line", text: '{"ok":1}' });
  });

  test("exactly the bound is still a line", () => {
    const r = new BoundedLineReader(8);
    expect(r.push(Buffer.from("12345678\n123456789\n"))).toEqual([
      { kind: "line", text: "12345678" },
      { kind: "oversized", bytes: 9, head: "123456789", tail: "123456789" },
    ]);
  });
});

describe("oversizedRequestId", () => {
  const pad = "p".repeat(100);
  test.each([
    [
      "id last, as the SDK client writes",
      `{"method":"tools/call","params":{"x":"${pad}"},"jsonrpc":"2.0","id":7}`,
      7,
    ],
    ["string id first", `{"jsonrpc":"2.0","id":"r-1","method":"tools/call","params":{"x":"${pad}"}}`, "r-1"],
    [
      "a notification has no id",
      `{"method":"notifications/x","params":{"x":"${pad}"},"jsonrpc":"2.0"}`,
      null,
    ],
    ["an id nested in params is not the request's", `{"method":"m","params":{"id":9}}`, null],
    ["a response is never answered", `{"jsonrpc":"2.0","id":3,"result":{"method":"m"}}`, null],
  ])("%s", (_name, text, id) => {
    expect(oversizedRequestId({ head: text.slice(0, 60), tail: text.slice(-60) })).toBe(id);
  });
});
