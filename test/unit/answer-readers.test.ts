import { describe, expect, it } from "vitest";
import { at, list, num, objects, parsed, record, str, withId } from "../helpers/answer.js";

// The readers the e2e and integration tests use on tool answers: a shape change must fail there.
const ANSWER = parsed(
  '{"id":7,"title":"t","events":[{"seq":1,"payload":{"message":"one"}},{"seq":2}],"tags":["a"],"none":null}',
);

describe("typed reads of a parsed answer", () => {
  it.each([
    ["num", () => num(ANSWER, "id"), 7],
    ["str", () => str(ANSWER, "title"), "t"],
    ["list", () => list(ANSWER, "tags"), ["a"]],
    ["record", () => record(ANSWER, "events", 0, "payload"), { message: "one" }],
    ["objects", () => objects(ANSWER, "events").map((e) => e.seq), [1, 2]],
    ["at, a missing key", () => at(ANSWER, "events", 1, "payload"), undefined],
    ["at, a list index past the end", () => at(ANSWER, "events", 5), undefined],
    ["withId", () => withId(record(ANSWER)).id, 7],
  ])("%s reads what is there", (_what, read, expected) => {
    expect(read()).toEqual(expected);
  });

  it.each([
    ["a string read as a number", () => num(ANSWER, "title"), 'answer.title: expected a number, got "t"'],
    ["a number read as a string", () => str(ANSWER, "id"), "answer.id: expected a string, got 7"],
    ["null read as an object", () => record(ANSWER, "none"), "answer.none: expected an object, got null"],
    [
      "a list holding a non-object",
      () => objects(ANSWER, "tags"),
      'answer.tags: expected a list of objects, got ["a"]',
    ],
    ["a key into a list", () => at(ANSWER, "events", "seq"), "answer.events: expected an object, got"],
    ["an index into an object", () => at(ANSWER, "id", 0), "answer.id: expected a list, got 7"],
    [
      "a path through a missing field",
      () => at(ANSWER, "missing", "x"),
      "answer.missing: expected an object, got undefined",
    ],
    ["an answer without a numeric id", () => withId({ id: "7" }), 'answer.id: expected a number, got "7"'],
  ])("refuses %s, naming the path and the value found", (_what, read, message) => {
    expect(read).toThrow(TypeError);
    expect(read).toThrow(message);
  });

  it("shortens a long value in the message", () => {
    const long = { text: "x".repeat(1_000) };
    expect(() => num(long, "text")).toThrow(/^answer\.text: expected a number, got "x{199}…$/);
  });
});
