/** `grace-orchestrator-mcp doctor`: one screen of checks; exit 1 when any failed, 2 on bad usage. */
import { parseArgs } from "node:util";
import { packageVersion } from "../config/node-guard.js";
import { settingsFromEnv } from "../config/settings.js";
import { exitCode } from "../doctor/check.js";
import { renderDoctor, runChecks } from "../doctor/doctor.js";

const USAGE = `Usage: grace-orchestrator-mcp doctor [--data-dir DIR] [--help]

Checks Node, the data dir (writable, outside repositories, ledger version, free space), the
identity variables, the Mimo executable, the controller launch commands, the wait limits, the
supervisor's heartbeat and a cross-process wake. Problems come first, each with its fix.
Exit 0: no failure (warnings allowed); 1: a check failed; 2: bad usage or settings.`;

export async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { "data-dir": { type: "string" }, help: { type: "boolean", short: "h", default: false } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const env = values["data-dir"]
    ? { ...process.env, GRACE_ORCHESTRATOR_DATA_DIR: values["data-dir"] }
    : process.env;
  let settings;
  try {
    settings = settingsFromEnv(env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const ctx = {
    env,
    platform: process.platform,
    nodeVersion: process.versions.node,
    execPath: process.execPath,
    now: new Date(),
    dataDirFlag: values["data-dir"] !== undefined,
  };
  const results = await runChecks(settings, ctx);
  process.stdout.write(renderDoctor(results, packageVersion(import.meta.url)));
  return exitCode(results);
}
