import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { addDetachedWorktree, removeWorktree, worktreeState } from "../../src/git/worktree.js";
import { commitAll, git, initRepo, removeDir, tempDir, writeFile } from "../helpers/git-repo.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function setup(): { repo: string; data: string; first: string; second: string } {
  const repo = initRepo();
  const data = tempDir("grace-wt-data-");
  dirs.push(repo, data);
  const first = commitAll(repo, "first");
  writeFile(repo, "later.txt", "later\n");
  const second = commitAll(repo, "second");
  return { repo, data, first, second };
}

describe("addDetachedWorktree", () => {
  it("creates a detached worktree at the requested commit, creating parent dirs", async () => {
    const { repo, data, first } = setup();
    const dest = path.join(data, "worktrees/project-1/package-2/session-3");
    const added = await addDetachedWorktree(repo, dest, first.slice(0, 12));
    expect(added).toEqual({ path: dest, head: first });
    expect(git(dest, "rev-parse", "HEAD")).toBe(first);
    expect(git(dest, "rev-parse", "--abbrev-ref", "HEAD")).toBe("HEAD"); // detached
    expect(existsSync(path.join(dest, "later.txt"))).toBe(false);
    expect(git(repo, "worktree", "list", "--porcelain")).toContain(`worktree ${dest}`);
  });

  it("refuses an existing destination, even an empty directory", async () => {
    const { repo, data, first } = setup();
    const dest = path.join(data, "exists");
    mkdirSync(dest);
    await expect(addDetachedWorktree(repo, dest, first)).rejects.toThrow(
      `Worktree destination already exists: ${dest}`,
    );
  });

  it("refuses a destination inside the repository, directly or through a symlink", async () => {
    const { repo, data, first } = setup();
    await expect(addDetachedWorktree(repo, path.join(repo, "wt"), first)).rejects.toThrow(
      "Worktree must be outside the registered project root",
    );
    symlinkSync(repo, path.join(data, "repo-alias"));
    await expect(addDetachedWorktree(repo, path.join(data, "repo-alias", "wt"), first)).rejects.toThrow(
      "Worktree must be outside the registered project root",
    );
    await expect(addDetachedWorktree(repo, "relative/wt", first)).rejects.toThrow(/must be an absolute path/);
    expect(existsSync(path.join(repo, "wt"))).toBe(false);
  });

  it("refuses an unknown commit without creating anything", async () => {
    const { repo, data } = setup();
    const dest = path.join(data, "wt");
    await expect(addDetachedWorktree(repo, dest, "f".repeat(40))).rejects.toThrow(/Unknown commit/);
    expect(existsSync(dest)).toBe(false);
  });

  it("serializes parallel adds on one repository", async () => {
    const { repo, data, first, second } = setup();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        addDetachedWorktree(repo, path.join(data, `p${i}`), i % 2 ? first : second),
      ),
    );
    expect(results.map((r) => r.head)).toEqual([second, first, second, first, second, first]);
  });
});

describe("worktreeState and removeWorktree", () => {
  it("reports clean, modified and untracked states and the head", async () => {
    const { repo, data, second } = setup();
    const dest = path.join(data, "wt");
    await addDetachedWorktree(repo, dest, second);
    expect(await worktreeState(repo, dest)).toEqual({ dirty: false, head: second });
    writeFile(dest, "untracked/new.txt", "n\n");
    expect((await worktreeState(repo, dest)).dirty).toBe(true);
    removeDir(path.join(dest, "untracked"));
    writeFile(dest, "later.txt", "modified\n");
    expect((await worktreeState(repo, dest)).dirty).toBe(true);
    git(dest, "commit", "-qam", "worker commit");
    const state = await worktreeState(repo, dest);
    expect(state.dirty).toBe(false);
    expect(state.head).not.toBe(second);
  });

  it("removes a clean worktree and refuses a dirty one unless forced", async () => {
    const { repo, data, first } = setup();
    const clean = path.join(data, "clean");
    const dirty = path.join(data, "dirty");
    await addDetachedWorktree(repo, clean, first);
    await addDetachedWorktree(repo, dirty, first);
    writeFile(dirty, "work.txt", "uncommitted\n");

    await removeWorktree(repo, clean);
    expect(existsSync(clean)).toBe(false);
    await expect(removeWorktree(repo, dirty)).rejects.toThrow(/Git command failed: git worktree remove/);
    expect(existsSync(path.join(dirty, "work.txt"))).toBe(true);
    await removeWorktree(repo, dirty, true);
    expect(existsSync(dirty)).toBe(false);
    expect(git(repo, "worktree", "list", "--porcelain")).not.toContain(data);
  });

  it("refuses a directory the repository does not record as its worktree", async () => {
    const { repo, data } = setup();
    const stranger = path.join(data, "stranger");
    mkdirSync(stranger);
    git(stranger, "init", "-q");
    await expect(worktreeState(repo, stranger)).rejects.toThrow(
      `${stranger} is not a worktree of the repository ${repo}`,
    );
  });

  it("reports a missing worktree clearly", async () => {
    const { repo } = setup();
    await expect(worktreeState(repo, "/nonexistent/grace-wt")).rejects.toThrow(
      "Worktree does not exist: /nonexistent/grace-wt",
    );
  });
});
