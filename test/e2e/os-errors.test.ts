import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { initRepo, removeDir } from "../helpers/git-repo.js";
import { call, callError, connect, tempDir, type Connected } from "../helpers/mcp-client.js";

const CODEX = { name: "codex-main", role: "codex" };
const servers: Connected[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  cleanups.splice(0).forEach((f) => f());
});

/** A real, tiny tmpfs (this needs root, which CI containers here have); null where mounting is refused. */
function mountTinyDisk(): string | null {
  const dir = tempDir("tiny-disk");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir], { stdio: "ignore" });
  } catch {
    fs.rmdirSync(dir);
    return null;
  }
  cleanups.push(() => {
    execFileSync("umount", [dir], { stdio: "ignore" });
    fs.rmdirSync(dir);
  });
  return dir;
}

/** Writes until the file system says ENOSPC. */
function fillDisk(dir: string): void {
  const fd = fs.openSync(path.join(dir, "filler"), "w");
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    fs.closeSync(fd);
  }
}

describe("OS failures answer plain sentences over MCP", () => {
  test("a NUL byte in repo_path names the path and the cause, not an internal error", async () => {
    const dataDir = tempDir("os-nul");
    cleanups.push(() => removeDir(dataDir));
    const codex = await connect(dataDir, CODEX);
    servers.push(codex);
    const message = await callError(codex, "project.init", {
      name: "nul",
      repo_path: "/tmp/repo\u0000evil",
      grace_path: "docs",
      main_branch: "main",
    });
    expect(message).not.toMatch(/Internal error/);
    expect(message).toBe(
      "project.init failed. A path contains a NUL byte and cannot be used: '/tmp/repo\\x00evil'. Remove the NUL byte.",
    );
  });

  // Probed once at collection (mount and unmount); the test mounts its own disk.
  const probe = mountTinyDisk();
  const canMount = probe !== null;
  cleanups.splice(0).forEach((f) => f());
  test.skipIf(!canMount)(
    "a full disk under the ledger names the ledger and says the disk is full",
    async () => {
      const disk = mountTinyDisk();
      const dataDir = path.join(disk!, "data");
      fs.mkdirSync(dataDir);
      const repo = initRepo();
      cleanups.push(() => removeDir(repo));
      const codex = await connect(dataDir, CODEX);
      servers.push(codex);
      await call(codex, "project.init", {
        name: "first",
        repo_path: repo,
        grace_path: "docs",
        main_branch: "main",
      });
      // A second repository: one repository holds one project, so the same one would be refused first.
      const second = initRepo();
      cleanups.push(() => removeDir(second));
      fillDisk(disk!);
      const message = await callError(codex, "project.init", {
        name: "second",
        repo_path: second,
        grace_path: "docs",
        main_branch: "main",
      });
      expect(message).not.toMatch(/Internal error/);
      expect(message).toBe(
        `project.init failed. The ledger ${JSON.stringify(path.join(dataDir, "ledger.sqlite3"))} cannot be used: ` +
          "the disk is full (SQLITE_FULL). Free space on that disk and retry.",
      );
    },
  );
});
