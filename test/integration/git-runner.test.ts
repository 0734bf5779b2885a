import { afterEach, describe, expect, it } from "vitest";
import { gitText, runGit } from "../../src/git/runner.js";
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
});
