import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configureGitSearch, gitText, runGit } from "../../src/git/runner.js";
import { initRepo, removeDir } from "../helpers/git-repo.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function repo(): string {
  const dir = initRepo();
  dirs.push(dir);
  return dir;
}

describe("runGit", () => {
  it("returns stdout bytes and the exit code", async () => {
    const r = repo();
    expect(await gitText(r, ["rev-parse", "--is-inside-work-tree"])).toBe("true");
  });

  it("turns a non-zero exit into 'Git command failed: <args>: <stderr>'", async () => {
    const r = repo();
    await expect(runGit(r, ["rev-parse", "--verify", "no-such-ref"])).rejects.toThrow(
      /^Git command failed: git rev-parse --verify no-such-ref: fatal: Needed a single revision/,
    );
  });

  it("stops at maxStdout and throws its refusal; under it the output is whole", async () => {
    const r = repo();
    fs.writeFileSync(path.join(r, "big.txt"), "x".repeat(4 * 1024 * 1024));
    const blob = await gitText(r, ["hash-object", "-w", "big.txt"]);
    const limit = { bytes: 64 * 1024, refusal: "The blob is too large to read" };
    await expect(runGit(r, ["cat-file", "blob", blob], { maxStdout: limit })).rejects.toThrow(
      /^The blob is too large to read$/,
    );
    const whole = await runGit(r, ["cat-file", "blob", blob], { maxStdout: { ...limit, bytes: 8 << 20 } });
    expect(whole.stdout.length).toBe(4 * 1024 * 1024);
  });

  it("returns allowed non-zero exit codes instead of throwing", async () => {
    const r = repo();
    const result = await runGit(r, ["rev-parse", "--verify", "--quiet", "no-such-ref"], {
      allowExitCodes: [1],
    });
    expect(result.exitCode).toBe(1);
  });

  it("times out a command that never finishes", async () => {
    const r = repo();
    // `cat-file --batch` waits for object names on stdin, which never come.
    const started = Date.now();
    await expect(runGit(r, ["cat-file", "--batch"], { timeoutMs: 500 })).rejects.toThrow(
      /^Command timed out after 1s: git cat-file --batch$/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("runs write operations one at a time per repository", async () => {
    const r = repo();
    // Parallel index writers would fail on .git/index.lock without the per-repo lock.
    const writes = Array.from({ length: 40 }, (_, i) =>
      runGit(
        r,
        ["update-index", "--add", "--cacheinfo", `100644,e69de29bb2d1d6434b8b29ae775ad8c2e48c5391,f${i}`],
        {
          write: true,
        },
      ),
    );
    await Promise.all(writes);
    expect((await gitText(r, ["ls-files"])).split("\n")).toHaveLength(40);
  });

  it.skipIf(process.platform === "win32")(
    "never runs a git from the repository itself, even when PATH would lead there",
    async () => {
      const r = repo();
      const marker = path.join(os.tmpdir(), `grace-fake-git-${process.pid}-${Date.now()}`);
      // A worker-committed `git` in the worktree; PATH's empty entry means "the cwd" to execvp,
      // just as Windows always searches the cwd first.
      fs.writeFileSync(path.join(r, "git"), `#!/bin/sh\necho pwned > '${marker}'\n`, { mode: 0o755 });
      // A directory named like the program, earlier on PATH, is not the program either.
      const dirs = fs.mkdtempSync(path.join(os.tmpdir(), "grace-path-"));
      fs.mkdirSync(path.join(dirs, "git"));
      const old = process.env.PATH;
      process.env.PATH = `:${dirs}:${old ?? ""}`;
      configureGitSearch(null);
      try {
        expect(await gitText(r, ["rev-parse", "--is-inside-work-tree"])).toBe("true");
        expect(fs.existsSync(marker)).toBe(false);
      } finally {
        process.env.PATH = old;
        configureGitSearch(null);
        fs.rmSync(marker, { force: true });
        fs.rmSync(dirs, { recursive: true, force: true });
      }
    },
  );

  it("fails clearly when git is not on PATH", async () => {
    const r = repo();
    configureGitSearch({ platform: process.platform, path: "/nonexistent-dir" });
    try {
      await expect(runGit(r, ["status"])).rejects.toThrow(
        /^Git command failed: git status: program 'git' was not found on PATH/,
      );
    } finally {
      configureGitSearch(null);
    }
  });
});
