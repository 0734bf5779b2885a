import { describe, expect, it } from "vitest";
import { resolveLinkTarget } from "../../src/git/link-target.js";

// The tree's own symlinks, as git would report them for the head commit.
const TREE: Record<string, string> = {
  "docs/up": "..",
  "lib/current": "v2",
  "lib/v2": "../vendor/v2",
  "loop/a": "b",
  "loop/b": "a",
  "win/back": "..\\..\\x",
};
const read = (path: string): Promise<string | null> => Promise.resolve(TREE[path] ?? null);

describe("resolveLinkTarget on a tree", () => {
  const cases: [string, string, string][] = [
    ["src/a.ts", "b.ts", "src/b.ts"],
    ["src/a.ts", "./deep/../b.ts", "src/b.ts"],
    ["src/a.ts", "../README.md", "README.md"],
    ["src/a.ts", "../lib/current/x.js", "vendor/v2/x.js"],
    ["src/a.ts", "../../etc/passwd", "refused: its target leaves the repository"],
    ["src/a.ts", "../docs/up/../x", "refused: its target leaves the repository"],
    ["src/a.ts", "/etc/passwd", "refused: its target is an absolute path"],
    ["src/a.ts", "C:\\Windows\\x", "refused: its target is an absolute path"],
    ["src/a.ts", "..\\..\\x", "refused: its target leaves the repository"],
    ["src/a.ts", "../win/back", "refused: its target leaves the repository"],
    ["src/a.ts", "..", "refused: its target is the repository root"],
    ["src/a.ts", "../.git/hooks/pre-commit", "refused: its target is inside .git"],
    ["src/a.ts", "../.GIT/config", "refused: its target is inside .git"],
    // Names a Windows or macOS checkout reads as .git, and a .git below the root.
    ["src/a.ts", "../git~1/hooks/pre-commit", "refused: its target is inside .git"],
    ["src/a.ts", "../.git. /config", "refused: its target is inside .git"],
    ["src/a.ts", "../.g\u200cit/config", "refused: its target is inside .git"],
    ["src/a.ts", "vendor/.git/config", "refused: its target is inside .git"],
    ["src/a.ts", ".gitignore", "src/.gitignore"],
    ["src/a.ts", "../loop/a", "refused: its target has too many levels of symbolic links"],
    ["src/a.ts", "", "refused: its target is empty"],
    ["src/a.ts", "x\0y", "refused: its target holds a NUL byte"],
    ["top", "src/x", "src/x"],
  ];
  it.each(cases)("%j -> %j lands at %j", async (link, target, expected) => {
    const landing = await resolveLinkTarget(link, target, read);
    expect(landing.ok ? landing.path : `refused: ${landing.reason}`).toBe(expected);
  });
});
