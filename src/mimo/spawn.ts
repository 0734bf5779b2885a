import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import path from "node:path";
import { OrchestratorError } from "../domain/errors.js";

export interface SpawnRequest {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  stdio: StdioOptions;
}

function assertAbsolute(exe: string | undefined): asserts exe is string {
  if (!exe) throw new OrchestratorError("Mimo argv is empty");
  // A bare name would be searched by libuv, on Windows in the worker's worktree (cwd) first.
  if (!path.isAbsolute(exe)) throw new OrchestratorError(`Mimo executable must be an absolute path: ${exe}`);
}

/**
 * Starts argv[0] with argv[1..] as exact arguments (shell:false: nothing is interpreted) and
 * resolves once the OS has created the process, so a missing executable fails the launch.
 */
export async function spawnExact(req: SpawnRequest): Promise<ChildProcess> {
  const [exe, ...args] = req.argv;
  assertAbsolute(exe);
  const child = spawn(exe, args, {
    cwd: req.cwd,
    env: { ...req.env },
    stdio: req.stdio,
    shell: false,
    // Own process group on POSIX (the tree can be signalled). On Windows this is DETACHED_PROCESS
    // (no console), which suits the launch gate; a TUI Mimo gets its console from the gate.
    detached: true,
    windowsHide: false,
    windowsVerbatimArguments: false,
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "ENOENT" ? "not found" : (error.code ?? error.message);
      reject(
        new OrchestratorError(
          `Mimo executable could not be started (${why}): ${exe}; set GRACE_ORCHESTRATOR_MIMO_COMMAND`,
        ),
      );
    });
  });
  if (child.pid === undefined) throw new OrchestratorError(`Mimo process has no pid: ${exe}`);
  return child;
}
