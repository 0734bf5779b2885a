import { describe, expect, test } from "vitest";
import { clientSessionId } from "../../src/tools/client-session.js";

describe("the client's session id from a tool call's _meta", () => {
  test.each([
    [
      "Codex's full _meta",
      { progressToken: 1, threadId: "t-1", sessionId: "t-1", "x-codex-turn-metadata": { session_id: "t-1" } },
      "t-1",
    ],
    ["threadId alone", { threadId: "t-2" }, "t-2"],
    ["sessionId alone", { sessionId: "t-3" }, "t-3"],
    ["only the turn metadata", { "x-codex-turn-metadata": { session_id: "t-4" } }, "t-4"],
    ["threadId wins over the others", { threadId: "a", sessionId: "b" }, "a"],
    ["a blank threadId falls through", { threadId: "  ", sessionId: "t-5" }, "t-5"],
    ["trimmed", { threadId: " t-6 " }, "t-6"],
    ["no _meta", undefined, null],
    ["null", null, null],
    ["only a progress token", { progressToken: 3 }, null],
    ["a number", { threadId: 42 }, null],
    ["turn metadata not an object", { "x-codex-turn-metadata": "t-7" }, null],
    ["whitespace inside", { threadId: "t 8" }, null],
    ["too long", { threadId: "x".repeat(201) }, null],
    ["200 characters", { threadId: "x".repeat(200) }, "x".repeat(200)],
    [
      "a Codex thread id (a UUID)",
      { threadId: "019a3b2c-7d1e-7f00-8a1b-2c3d4e5f6a7b" },
      "019a3b2c-7d1e-7f00-8a1b-2c3d4e5f6a7b",
    ],
    ["a leading '-' would be an option of the resume command", { threadId: "--dangerously-bypass" }, null],
    ["a leading '-' falls through to the next name", { threadId: "-x", sessionId: "t-9" }, "t-9"],
    ["a control character", { threadId: "t\u001b[2J" }, null],
  ])("%s", (_label, meta, expected) => {
    expect(clientSessionId(meta)).toBe(expected);
  });
});
