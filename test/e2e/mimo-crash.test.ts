import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { num, str } from "../helpers/answer.js";
import { anyString, stringContaining } from "../helpers/matchers.js";
import {
  createPackage,
  makeGraceRepo,
  planTask,
  type Call,
  type Result,
} from "../helpers/git-repo-lifecycle.js";
import { FAKE_MIMO, tellExit, writeFakeMimoConfig } from "../helpers/fake-mimo-world.js";
import { git, writeFile } from "../helpers/git-repo.js";
import { call, callError, connect, tempDir, type Connected } from "../helpers/mcp-client.js";

/**
 * A post-checkout hook (git runs it inside `git worktree add`) that SIGKILLs the process whose pid
 * is in `pidFile`, once: the launching server dies after it committed the PREPARED row and git
 * made the worktree, before anything was recorded. A node script, so no shell is involved.
 */
function installCrashHook(repo: string, pidFile: string): void {
  const hook = path.join(repo, ".git", "hooks", "post-checkout");
  fs.mkdirSync(path.dirname(hook), { recursive: true });
  fs.writeFileSync(
    hook,
    [
      `#!${process.execPath}`,
      `const fs = require("node:fs");`,
      `const file = ${JSON.stringify(pidFile)};`,
      `if (fs.existsSync(file)) {`,
      `  const pid = Number(fs.readFileSync(file, "utf8"));`,
      `  fs.unlinkSync(file);`,
      `  process.kill(pid, "SIGKILL");`,
      `}`,
      "",
    ].join("\n"),
  );
  fs.chmodSync(hook, 0o755);
}

describe.skipIf(process.platform === "win32")(
  "a GLM server killed in the middle of mimo.launch_package",
  () => {
    const dataDir = tempDir("mimo-crash-data");
    const records = tempDir("mimo-crash-records");
    const { repo, base } = makeGraceRepo();
    const xdg = writeFakeMimoConfig(tempDir("mimo-crash-xdg"), { record_dir: records });
    const env = { GRACE_ORCHESTRATOR_MIMO_COMMAND: FAKE_MIMO, XDG_CONFIG_HOME: xdg };
    const servers: Connected[] = [];
    const pids: number[] = [];
    const open = async (name: string, role: string) => {
      const c = await connect(dataDir, { name, role }, env);
      servers.push(c);
      return c;
    };
    afterAll(async () => {
      for (const pid of pids) tellExit(records, pid);
      await Promise.all(servers.map((s) => s.close().catch(() => {})));
    });

    test("leaves a PREPARED row naming its worktree; recovery refuses while it holds work, then cleans it", async () => {
      const codex = await open("codex-main", "codex");
      const doomed = await open("glm-1", "glm");
      const staff: Call = (who, tool, args = {}) =>
        call<Result>(who === "codex" ? codex : doomed, tool, args);
      const { projectId, taskId } = await planTask(staff, repo);
      const pkg = await createPackage(staff, taskId, base);

      const pidFile = path.join(tempDir("mimo-crash-pid"), "pid");
      fs.writeFileSync(pidFile, String(doomed.transport.pid));
      installCrashHook(repo, pidFile);
      await expect(
        call(doomed, "mimo.launch_package", { work_package_id: pkg.id, mode: "tui" }),
      ).rejects.toThrow();
      expect(fs.existsSync(pidFile)).toBe(false); // the hook ran and killed the server

      const glm = await open("glm-1", "glm");
      const sessions = await call<{ mimo_sessions: Result[] }>(glm, "task.get", { task_id: taskId });
      expect(sessions.mimo_sessions).toHaveLength(1);
      const crashed = sessions.mimo_sessions[0]!;
      expect(crashed).toMatchObject({ lifecycle_state: "PREPARED", pid: null });
      const ws = str(crashed, "workspace_path");
      expect(ws).toEqual(expect.stringContaining(path.join("worktrees", `project-${projectId}`)));
      expect(crashed.briefing_path).toEqual(expect.stringContaining(`mimo-session-${num(crashed, "id")}.md`));
      expect(fs.existsSync(ws)).toBe(true);
      expect(git(repo, "worktree", "list", "--porcelain")).toContain(fs.realpathSync(ws));

      const cleanup = await call<Result>(glm, "mimo.cleanup_worktrees", {
        project_id: projectId,
        older_than_hours: 0,
      });
      expect(cleanup.kept).toEqual([
        { session_id: crashed.id, workspace_path: ws, reason: stringContaining("still PREPARED") },
      ]);

      // As if a worker had started there: its uncommitted work must survive the recovery attempt.
      writeFile(ws, "src/orderdesk/wip.ts", "// work in progress\n");
      const refused = await callError(glm, "mimo.recover_prepared_session", {
        session_id: crashed.id,
        observation: "GLM server was killed while launching",
      });
      expect(refused).toMatch(
        /requires a session with no launch evidence: the worktree .* holds work .*uncommitted/,
      );
      expect(fs.readFileSync(path.join(ws, "src/orderdesk/wip.ts"), "utf8")).toBe("// work in progress\n");

      fs.rmSync(path.join(ws, "src/orderdesk/wip.ts"));
      const recovered = await call<Result>(glm, "mimo.recover_prepared_session", {
        session_id: crashed.id,
        observation: "GLM server was killed while launching",
      });
      expect(recovered).toMatchObject({ lifecycle_state: "FAILED", worktree_removed_at: anyString() });
      expect(fs.existsSync(ws)).toBe(false);
      expect(git(repo, "worktree", "list", "--porcelain")).not.toContain(ws);

      const again = await call<Result>(glm, "mimo.launch_package", { work_package_id: pkg.id, mode: "tui" });
      pids.push(num(again, "pid"));
      expect(again).toMatchObject({ lifecycle_state: "TUI_DETACHED" });
      expect(again.id).not.toBe(crashed.id);
    });
  },
);
