import { describe, expect, test } from "vitest";
import { canonicalRuntime, isExternalAntigravityRuntime } from "../../src/domain/runtimes.js";

describe("canonicalRuntime: the strict runtime of a free-text value", () => {
  test.each([
    ["", "external"],
    ["   ", "external"],
    ["antigravity", "antigravity"],
    ["google/antigravity", "antigravity"],
    ["codex", "codex"],
    ["openai/codex", "codex"],
    ["mimo_tui", "mimo_tui"],
    ["external", "external"],
    // No aliases here, unlike the environment parser: plain `mimo` and `mimo-cli` are external.
    ["mimo", "external"],
    ["mimo-cli", "external"],
    ["vendor/tool/codex", "codex"],
    ["Codex", "external"],
  ])("%j → %s", (text, runtime) => {
    expect(canonicalRuntime(text)).toBe(runtime);
  });

  test.each(["antigravity-flash", "gemini-3.5-flash", "claude-opus-4.6", "google/gemini-3.5-flash"])(
    "the model-bound name %j is refused",
    (text) => {
      expect(() => canonicalRuntime(text)).toThrow(
        /Model-bound name .* is not a runtime.*codex, antigravity/,
      );
    },
  );
});

describe("isExternalAntigravityRuntime: true only for the Antigravity runtime", () => {
  test.each([
    ["antigravity", true],
    ["google/antigravity", true],
    ["codex", false],
    ["openai/codex", false],
    ["mimo_tui", false],
    ["external", false],
    ["", false],
    ["antigravity-flash", false],
  ])("%j → %s", (text, expected) => {
    expect(isExternalAntigravityRuntime(text)).toBe(expected);
  });
});
