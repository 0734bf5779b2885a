import { describe, expect, test } from "vitest";
import { bytePage } from "../../src/domain/byte-page.js";
import { fitByBytes, jsonBytes, jsonDepth } from "../../src/domain/limits.js";
import type { HandoffEvent } from "../../src/handoff/event-types.js";
import { compactEvent, eventPage } from "../../src/service/event-views.js";
import { toolResult } from "../../src/tools/registry.js";

describe("jsonDepth", () => {
  test.each([
    ["scalar", 7, 0],
    ["empty object", {}, 1],
    ["array of objects", [{ a: 1 }], 2],
    ["nested", { a: { b: { c: [1] } } }, 4],
  ])("%s", (_name, value, depth) => {
    expect(jsonDepth(value)).toBe(depth);
  });

  test("a million levels deep costs nothing once past the stop", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i += 1) deep = [deep];
    expect(jsonDepth(deep, 8)).toBe(9);
  });
});

describe("fitByBytes", () => {
  const items = Array.from({ length: 100 }, (_, i) => ({ i, text: "x".repeat(90) }));
  test.each([
    ["everything fits", 100_000, 100],
    ["only a prefix fits", 1_000, Math.floor(1_000 / jsonBytes(items[50]!))],
    ["one item even when it alone is over", 10, 1],
  ])("%s", (_name, budget, count) => {
    const page = fitByBytes(items, budget);
    expect(page).toEqual(items.slice(0, count));
    if (count > 1) expect(jsonBytes(page)).toBeLessThanOrEqual(budget);
  });
  test("no items, no page", () => expect(fitByBytes([], 10)).toEqual([]));
});

describe("bytePage", () => {
  const text = "ab€cd😀ef"; // 1+1+3+1+1+4+1+1 = 13 bytes
  test.each([
    ["from the start", 0, 5, "ab€", 0, 5],
    ["a limit ending inside a character stops before it", 0, 4, "ab", 0, 2],
    ["an offset inside a character moves to the next one", 3, 3, "cd", 5, 7],
    ["an end inside a character moves back", 5, 4, "cd", 5, 7],
    ["a limit smaller than one character still takes it", 7, 1, "😀", 7, 11],
    ["the end", 11, 100, "ef", 11, null],
    ["past the end", 99, 10, "", 13, null],
  ])("%s", (_name, offset, limit, page, start, next) => {
    const p = bytePage(text, offset, limit, 1_000);
    expect(p).toEqual({
      text: page,
      offset: start,
      next_offset: next,
      total_bytes: 13,
      has_more: next !== null,
    });
  });

  test("pages concatenate to the whole text", () => {
    const long = 'línea €\n\t"x"\n'.repeat(5_000);
    let out = "";
    for (let at: number | null = 0; at !== null;) {
      const p = bytePage(long, at, 1_000, 1_100);
      out += p.text;
      at = p.next_offset;
    }
    expect(out).toBe(long);
  });

  test("a page whose JSON escapes would exceed the bound is shortened", () => {
    const controls = "\u0001".repeat(10_000); // each byte becomes six in JSON
    const p = bytePage(controls, 0, 10_000, 6_000);
    expect(jsonBytes(p.text)).toBeLessThanOrEqual(6_000);
    expect(p.next_offset).toBe(Buffer.byteLength(p.text));
  });
});

describe("toolResult", () => {
  const shape = { tool: "demo.read", structured: false, maxBytes: 200, readOnly: true };
  test("the value is sent once, as compact JSON text", () => {
    expect(toolResult({ a: 1 }, shape)).toEqual({ content: [{ type: "text", text: '{"a":1}' }] });
    expect(toolResult([1, 2], shape)).toEqual({ content: [{ type: "text", text: '{"result":[1,2]}' }] });
  });
  test("a tool with an output schema also answers structuredContent", () => {
    expect(toolResult({ a: 1 }, { ...shape, structured: true }).structuredContent).toEqual({ a: 1 });
  });
  test.each([
    [true, "Nothing was changed."],
    [false, "The call itself completed; only its answer was withheld."],
  ])("an answer over its bound becomes a refusal that says how to page (read-only %s)", (readOnly, done) => {
    const r = toolResult({ text: "x".repeat(500) }, { ...shape, readOnly });
    expect(r.isError).toBe(true);
    const text = (r.content[0] as { text: string }).text;
    expect(text).toContain("The answer of demo.read would be");
    expect(text).toContain("over its bound of 200 bytes");
    expect(text).toContain(done);
    expect(text).toContain("handoff.list_events_page");
  });
  test("the bound counts structuredContent too", () => {
    const value = { text: "x".repeat(120) };
    expect(toolResult(value, shape).isError).toBeUndefined();
    expect(toolResult(value, { ...shape, structured: true }).isError).toBe(true);
  });
});

describe("event views", () => {
  const event = (seq: number, payload: Record<string, unknown>): HandoffEvent => ({
    event_id: `evt_${seq}`,
    seq,
    type: "CONTROLLER_REWORK_REQUESTED",
    project_id: 1,
    task_id: 1,
    work_package_id: 1,
    worker: "glm-1",
    payload,
    created_at: "2026-01-01T00:00:00.000Z",
  });

  test("a small event is shown whole", () => {
    const e = event(1, { review_id: 3, decision: "accepted" });
    expect(compactEvent(e)).toBe(e);
  });

  test("a large event keeps its small fields, the head of long text, and the sizes of what it shortened", () => {
    const findings = Array.from({ length: 50 }, (_, i) => `finding ${i} ${"detail ".repeat(20)}`);
    const message = "m".repeat(6_000);
    const shown = compactEvent(event(2, { review_id: 3, decision: "rejected", findings, message }));
    expect(shown.payload.review_id).toBe(3);
    expect(shown.payload.decision).toBe("rejected");
    expect(shown.payload.findings).toBeUndefined();
    expect(shown.payload.message).toBe(`${"m".repeat(500)}…`);
    expect(shown.payload.shortened_field_bytes).toEqual({
      findings: jsonBytes(findings),
      message: jsonBytes(message),
    });
    expect(jsonBytes(shown)).toBeLessThan(4 * 1024);
  });

  test("a page of events fits the loop budget and keeps order", () => {
    const events = Array.from({ length: 500 }, (_, i) => event(i + 1, { message: `blocked ${i}` }));
    const page = eventPage(events);
    expect(page.length).toBeGreaterThan(5);
    expect(page.length).toBeLessThan(500);
    expect(page).toEqual(events.slice(0, page.length));
    expect(jsonBytes(page)).toBeLessThanOrEqual(8 * 1024);
  });
});
