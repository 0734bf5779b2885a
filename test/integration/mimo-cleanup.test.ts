import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { anyString } from "../helpers/matchers.js";
import { cleanupWorktrees } from "../../src/service/mimo-cleanup.js";
import { launchPackage } from "../../src/service/mimo-launch.js";
import { recordTuiClosed } from "../../src/service/mimo-sessions.js";
import { commitAll, git, writeFile } from "../helpers/git-repo.js";
import {
  addAgent,
  insertPackage,
  insertSubmission,
  makeWorld,
  tellExit,
  type World,
} from "../helpers/fake-mimo-world.js";

const worlds: World[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.close();
});

/** One ended TUI session per package, shaped by `work` in its worktree. */
async function endedSession(w: World, work: (ws: string, pkg: number) => void) {
  const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
  const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
  tellExit(w.records, s.pid!);
  work(s.workspace_path!, pkg);
  recordTuiClosed(w.glm, s.id, "closed");
  return s;
}

describe("mimo.cleanup_worktrees", () => {
  test("removes only worktrees whose work the ledger holds; keeps dirty, unsubmitted, recent and active ones", async () => {
    const w = await makeWorld();
    worlds.push(w);
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const untouched = await endedSession(w, () => {});
    const untracked = await endedSession(w, (ws) => writeFile(ws, "src/new.ts", "work in progress\n"));
    const modified = await endedSession(w, (ws) => writeFile(ws, "src/app.ts", "export const x = 3;\n"));
    const staged = await endedSession(w, (ws) => {
      writeFile(ws, "src/app.ts", "export const x = 4;\n");
      git(ws, "add", "-A");
    });
    const unsubmitted = await endedSession(w, (ws) => {
      writeFile(ws, "src/app.ts", "export const x = 5;\n");
      commitAll(ws, "never submitted");
    });
    const submitted = await endedSession(w, (ws, pkg) => {
      writeFile(ws, "src/app.ts", "export const x = 6;\n");
      insertSubmission(w, pkg, commitAll(ws, "submitted"));
    });
    const activePkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    const active = await launchPackage(w.glm, w.runtime, { work_package_id: activePkg, mode: "tui" });

    // Too recent for a 1-hour threshold: everything ended is kept.
    const recent = await cleanupWorktrees(w.glm, { project_id: w.projectId, older_than_hours: 1 });
    expect(recent.removed).toEqual([]);
    expect(recent.kept.map((k) => k.reason)).toEqual(Array(6).fill("ended less than older_than_hours ago"));

    const later = new Date(Date.now() + 2 * 3_600_000);
    const glmLater = w.ctxAs("glm-1", "glm");
    glmLater.clock = () => later;
    const result = await cleanupWorktrees(glmLater, { project_id: w.projectId, older_than_hours: 1 });
    expect(result.removed.map((r) => r.session_id).sort()).toEqual([untouched.id, submitted.id].sort());
    const kept = Object.fromEntries(result.kept.map((k) => [k.session_id, k.reason]));
    expect(kept).toEqual({
      [untracked.id]: "uncommitted changes in the worktree",
      [modified.id]: "uncommitted changes in the worktree",
      [staged.id]: "uncommitted changes in the worktree",
      [unsubmitted.id]: "1 commit(s) not reachable from any submission head",
    });
    for (const s of [untracked, modified, staged, unsubmitted, active])
      expect(fs.existsSync(s.workspace_path!)).toBe(true);
    expect(fs.readFileSync(path.join(untracked.workspace_path!, "src/new.ts"), "utf8")).toBe(
      "work in progress\n",
    );
    for (const s of [untouched, submitted]) expect(fs.existsSync(s.workspace_path!)).toBe(false);
    expect(git(w.repo, "worktree", "list", "--porcelain")).not.toContain(untouched.workspace_path!);
    const removedAt = w.db
      .prepare("SELECT worktree_removed_at FROM mimo_sessions WHERE id = ?")
      .get(untouched.id);
    expect(removedAt).toEqual({ worktree_removed_at: anyString() });

    // Idempotent: a second run removes nothing more and reports the same keeps.
    const again = await cleanupWorktrees(glmLater, { project_id: w.projectId, older_than_hours: 1 });
    expect(again.removed).toEqual([]);
    expect(again.kept).toHaveLength(4);
    tellExit(w.records, active.pid!);
  });

  test("a worktree whose .git file the worker pointed at a git dir of its own runs nothing of the worker's", async () => {
    const w = await makeWorld();
    worlds.push(w);
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const marker = path.join(w.dataDir, "worker-code-ran");
    const hijacked = await endedSession(w, (ws) => {
      // Everything here lies inside the worktree, the one place a sandboxed worker may write.
      fs.cpSync(path.join(w.repo, ".git"), path.join(ws, "own-git"), { recursive: true });
      const hook = path.join(ws, "fsmonitor.sh");
      fs.writeFileSync(hook, `#!/bin/sh\necho "$GRACE_ORCHESTRATOR_ACTOR_NAME" > '${marker}'\n`, {
        mode: 0o755,
      });
      git(ws, "--git-dir", path.join(ws, "own-git"), "config", "core.fsmonitor", hook);
      fs.writeFileSync(path.join(ws, ".git"), `gitdir: ${path.join(ws, "own-git")}\n`);
    });
    const glmLater = w.ctxAs("glm-1", "glm");
    glmLater.clock = () => new Date(Date.now() + 2 * 3_600_000);
    const result = await cleanupWorktrees(glmLater, { project_id: w.projectId, older_than_hours: 1 });
    expect(fs.existsSync(marker)).toBe(false);
    expect(result.kept).toEqual([
      {
        session_id: hijacked.id,
        workspace_path: hijacked.workspace_path,
        reason: "uncommitted changes in the worktree",
      },
    ]);
  });

  test("workers may not clean up", async () => {
    const w = await makeWorld();
    worlds.push(w);
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    await expect(
      cleanupWorktrees(w.ctxAs("junior", "worker_junior"), { project_id: w.projectId, older_than_hours: 0 }),
    ).rejects.toThrow(/not authorized|requires/);
  });
});
