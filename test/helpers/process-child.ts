import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

/** A real long-lived child (node idling); `argv` is exactly what was passed to spawn. */
export function startIdleChild(executable = process.execPath): { child: ChildProcess; argv: string[] } {
  const argv = [executable, "-e", "setInterval(() => {}, 1000)"];
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: "ignore" });
  if (child.pid === undefined) throw new Error("child did not start");
  return { child, argv };
}

/** Kills the child and waits until it has been reaped (so its /proc entry is gone). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}
