/** Helpers around test/helpers/fake-controller.mjs for tests that launch a "controller". */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { quote } from "shell-quote";

export const FAKE_CONTROLLER_PATH = fileURLToPath(new URL("./fake-controller.mjs", import.meta.url));

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
