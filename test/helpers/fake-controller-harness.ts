/** Helpers around scripts/demo/fake-controller.mjs for tests that launch a "controller". */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { quote } from "shell-quote";
import { REPO_ROOT } from "./mcp-client.js";

export const FAKE_CONTROLLER_PATH = fileURLToPath(
  new URL("../../scripts/demo/fake-controller.mjs", import.meta.url),
);

export interface LaunchRecord {
  argv: string[];
  cwd: string;
  pid: number;
  startedAt: string;
  env: Record<string, string>;
}

/**
 * The start of a command template that runs the fake controller with this test's Node,
 * quoted for the platform's splitting rules; append the template's own arguments.
 */
export function fakeControllerTemplate(args: string, platform: NodeJS.Platform = process.platform): string {
  const program =
    platform === "win32"
      ? `"${process.execPath}" "${FAKE_CONTROLLER_PATH}"`
      : quote([process.execPath, FAKE_CONTROLLER_PATH]);
  return args === "" ? program : `${program} ${args}`;
}

export function readLaunchRecord(file: string): LaunchRecord {
  return JSON.parse(fs.readFileSync(file, "utf8")) as LaunchRecord;
}

/** Every launch recorded in a FAKE_CONTROLLER_RECORD_DIR, oldest first. */
export function readLaunchRecords(dir: string): LaunchRecord[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith("launch-") && name.endsWith(".json"))
    .map((name) => readLaunchRecord(path.join(dir, name)))
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export interface RunningSupervisor {
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the built host supervisor on `dataDir` with a 60 s poll (so a launch within seconds can
 * only come from the event-driven wake) and the fake controller as the start command; resolves
 * once it has done its first scan and sleeps on the `runs` channel.
 */
export async function startSupervisor(
  dataDir: string,
  recordDir: string,
  startArgs: string,
  extraEnv: Record<string, string> = {},
): Promise<RunningSupervisor> {
  const cli = path.join(REPO_ROOT, "dist", "src", "cli", "host-continuation.js");
  const child = spawn(process.execPath, [cli, "--data-dir", dataDir, "--poll-interval-seconds", "60"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      GRACE_LOG_LEVEL: "info",
      GRACE_CODEX_START_COMMAND: fakeControllerTemplate(startArgs),
      FAKE_CONTROLLER_RECORD_DIR: recordDir,
      ...extraEnv,
    },
  });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const until = Date.now() + 10_000;
  while (!err.includes("supervisor started") && Date.now() < until)
    await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 500)); // first scan done, now asleep on the runs channel
  return {
    child,
    stderr: () => err,
    stop: async () => {
      child.kill("SIGTERM");
      if (child.exitCode === null && child.signalCode === null)
        await new Promise((r) => child.once("exit", r));
    },
  };
}
