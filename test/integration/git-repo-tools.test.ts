import { symlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repoDiff } from "../../src/git/repo-diff.js";
import { repoStatus } from "../../src/git/repo-status.js";
import { commitAll, git, initRepo, removeDir, tempDir, writeFile } from "../helpers/git-repo.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function repo(): string {
  const dir = initRepo();
  dirs.push(dir);
  writeFile(dir, "a.txt", "a\n");
  writeFile(dir, "b.txt", "b\n");
  writeFile(dir, "*.txt", "literal star\n");
  commitAll(dir, "base");
  return dir;
}

describe("repoStatus", () => {
  it("returns the branch header and the change lines", async () => {
    const r = repo();
    writeFile(r, "a.txt", "a2\n");
    writeFile(r, "new file.txt", "n\n");
    const status = await repoStatus(r);
    expect(status.branch).toBe("main");
    expect(status.changes.sort()).toEqual([" M a.txt", '?? "new file.txt"'].sort());
  });

  it("reports a detached HEAD", async () => {
    const r = repo();
    git(r, "checkout", "-q", "--detach");
    expect((await repoStatus(r)).branch).toMatch(/HEAD \(no branch\)/);
  });
});

describe("repoDiff", () => {
  it("separates all (unstaged) from staged", async () => {
    const r = repo();
    writeFile(r, "a.txt", "staged\n");
    git(r, "add", "a.txt");
    writeFile(r, "b.txt", "unstaged\n");
    const all = await repoDiff(r, "all");
    const staged = await repoDiff(r, "staged");
    expect(all).toContain("+unstaged");
    expect(all).not.toContain("+staged");
    expect(staged).toContain("+staged");
    expect(staged).not.toContain("+unstaged");
  });

  it("limits a file_list diff to exactly the named files (no glob expansion)", async () => {
    const r = repo();
    writeFile(r, "a.txt", "a2\n");
    writeFile(r, "b.txt", "b2\n");
    writeFile(r, "*.txt", "star2\n");
    const onlyA = await repoDiff(r, "file_list", ["a.txt"]);
    expect(onlyA).toContain("+a2");
    expect(onlyA).not.toContain("+b2");
    const star = await repoDiff(r, "file_list", ["*.txt"]);
    expect(star).toContain("+star2");
    expect(star).not.toContain("+a2");
  });

  it("refuses an empty file list, an unknown scope and paths outside the root", async () => {
    const r = repo();
    const outside = tempDir("grace-outside-");
    dirs.push(outside);
    symlinkSync(outside, path.join(r, "escape"));
    await expect(repoDiff(r, "file_list", [])).rejects.toThrow(
      "file_list diff requires at least one project-relative file",
    );
    await expect(repoDiff(r, "worktree")).rejects.toThrow(
      "Unsupported diff scope: worktree; scope must be one of all, staged, file_list",
    );
    await expect(repoDiff(r, "file_list", ["../x"])).rejects.toThrow("Path outside project root: ../x");
    await expect(repoDiff(r, "file_list", ["/etc/passwd"])).rejects.toThrow(
      "Path outside project root: /etc/passwd",
    );
    await expect(repoDiff(r, "file_list", ["escape/f"])).rejects.toThrow(
      "Path outside project root: escape/f",
    );
  });
});
