import path from "node:path";

export interface SessionPaths {
  workspace: string;
  briefing: string;
  stdout: string;
  stderr: string;
}

/** The layout below the data dir; the data dir itself must lie outside every project repo. */
export function sessionPaths(
  dataDir: string,
  projectId: number,
  packageId: number,
  sessionId: number,
): SessionPaths {
  const logs = path.join(dataDir, "logs", "mimo");
  return {
    workspace: path.join(
      dataDir,
      "worktrees",
      `project-${projectId}`,
      `package-${packageId}`,
      `session-${sessionId}`,
    ),
    briefing: path.join(dataDir, "briefings", `mimo-session-${sessionId}.md`),
    stdout: path.join(logs, `session-${sessionId}.stdout.log`),
    stderr: path.join(logs, `session-${sessionId}.stderr.log`),
  };
}
