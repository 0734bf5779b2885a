import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confineRelative, confineToRoot, resolveReal } from "../../src/git/paths.js";
import { removeDir, tempDir, writeFile } from "../helpers/git-repo.js";

let base: string;
let root: string;
let outside: string;

beforeAll(() => {
  base = tempDir("grace-paths-");
  root = path.join(base, "repo");
  outside = path.join(base, "outside");
  mkdirSync(outside, { recursive: true });
  writeFile(outside, "secret.txt", "s");
  writeFile(root, "src/a.ts", "a");
  writeFile(root, "docs/plan.xml", "<x/>");
  mkdirSync(path.join(root, "deep/er/still"), { recursive: true });
  symlinkSync(outside, path.join(root, "escape")); // dir link leaving the root
  symlinkSync(path.join(outside, "secret.txt"), path.join(root, "secret-link.txt"));
  symlinkSync(path.join(outside, "not-yet"), path.join(root, "dangling-out")); // dangling, outside
  symlinkSync("src", path.join(root, "src-link")); // relative link staying inside
  symlinkSync(path.join(root, "deep/er/still"), path.join(root, "deeplink"));
});
afterAll(() => removeDir(base));

describe("confineToRoot", () => {
  const inside: Array<[string, (r: string) => string]> = [
    ["src/a.ts", (r) => path.join(r, "src/a.ts")],
    ["./src/../docs/plan.xml", (r) => path.join(r, "docs/plan.xml")],
    ["src/new/file.ts", (r) => path.join(r, "src/new/file.ts")], // not existing yet
    ["src-link/a.ts", (r) => path.join(r, "src/a.ts")],
    ["", (r) => r],
    [".", (r) => r],
    // A symlink's `..` is taken in the link target, which is still inside here.
    ["deeplink/../x", (r) => path.join(r, "deep/er/x")],
    ["missing/../src/a.ts", (r) => path.join(r, "src/a.ts")],
  ];
  it.each(inside)("accepts %j", async (candidate, expected) => {
    expect(await confineToRoot(root, candidate)).toBe(expected(root));
  });

  it("accepts an absolute path inside the root", async () => {
    expect(await confineToRoot(root, path.join(root, "src/a.ts"))).toBe(path.join(root, "src/a.ts"));
  });

  const escapes = [
    "..",
    "../outside/secret.txt",
    "src/../../outside",
    "escape",
    "escape/secret.txt",
    "escape/new-file.txt",
    "secret-link.txt",
    "dangling-out",
    "dangling-out/child",
    "missing/../../outside",
    "/etc/passwd",
    "/",
  ];
  it.each(escapes)("refuses %j", async (candidate) => {
    await expect(confineToRoot(root, candidate)).rejects.toThrow(`Path outside project root: ${candidate}`);
  });

  it("refuses an absolute path to a sibling whose name starts with the root's", async () => {
    const sibling = `${root}-evil`;
    mkdirSync(sibling, { recursive: true });
    await expect(confineToRoot(root, path.join(sibling, "x"))).rejects.toThrow(/Path outside project root/);
  });

  it("refuses NUL bytes", async () => {
    await expect(confineToRoot(root, "src/a\0.ts")).rejects.toThrow(/NUL byte/);
  });

  it("works when the root itself is reached through a symlink", async () => {
    const alias = path.join(base, "alias");
    symlinkSync(root, alias);
    expect(await confineToRoot(alias, "src/a.ts")).toBe(path.join(root, "src/a.ts"));
    await expect(confineToRoot(alias, "escape/secret.txt")).rejects.toThrow(/Path outside project root/);
  });
});

describe("confineRelative / resolveReal", () => {
  it("returns POSIX paths relative to the real root", async () => {
    expect(await confineRelative(root, "src-link/a.ts")).toBe("src/a.ts");
    expect(await confineRelative(root, path.join(root, "docs", "plan.xml"))).toBe("docs/plan.xml");
  });

  it("follows a symlink before applying `..` (not lexically)", async () => {
    // Lexically deeplink/.. is the root; through the link it is deep/er.
    expect(await resolveReal(path.join(root, "deeplink") + "/..")).toBe(path.join(root, "deep/er"));
  });

  it("detects symlink loops", async () => {
    symlinkSync("loop-b", path.join(root, "loop-a"));
    symlinkSync("loop-a", path.join(root, "loop-b"));
    await expect(confineToRoot(root, "loop-a/x")).rejects.toThrow(/Too many levels of symbolic links/);
  });
});
