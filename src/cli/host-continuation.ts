#!/usr/bin/env node
import { parseArgs } from "node:util";
import { continuationSettingsFromEnv, type ContinuationSettings } from "../config/continuation.js";
import { missingDataDirProblem, repoDataDirProblem } from "../config/data-dir.js";
import { createLogger, logFilePath, type Logger } from "../config/logger.js";
import { packageVersion } from "../config/node-guard.js";
import { OrchestratorError } from "../domain/errors.js";
import { stableJson } from "../ledger/json.js";
import { DEFAULT_POLL_SECONDS } from "../continuation/limits.js";
import { requestStop, watchStopEvent } from "../continuation/stop-event.js";
import { Supervisor } from "../continuation/supervisor.js";

const USAGE = `Usage: grace-host-continuation [--data-dir DIR] [--once | --stop] [--poll-interval-seconds N] [--help] [--version]

Turns durable worker events (runs/**/events.ndjson) into controller launches, once each.
--once scans once and prints the result as JSON (exit 2: the data dir does not exist or is inside
a git repository; exit 1: no launch command is configured).
--stop (Windows): asks the supervisors of the data dir to stop cleanly, then exits (1 if none runs).
A running supervisor also stops on SIGTERM, Ctrl-C and Ctrl-Break.
Environment: GRACE_ORCHESTRATOR_DATA_DIR, GRACE_CODEX_RESUME_COMMAND, GRACE_CODEX_START_COMMAND,
GRACE_HOST_CONTINUATION_WAIT_SECONDS. Log: <data dir>/logs/grace-host-continuation-supervisor.log.`;

const NO_LAUNCH_COMMAND =
  "No launch command is configured: set GRACE_CODEX_RESUME_COMMAND and/or GRACE_CODEX_START_COMMAND, " +
  "or worker events are recorded but no controller is ever started.";

/** Indented, key-sorted JSON, so the output is stable for a reader and a diff. */
function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(JSON.parse(stableJson(value)), null, 2)}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        "data-dir": { type: "string" },
        once: { type: "boolean", default: false },
        stop: { type: "boolean", default: false },
        "poll-interval-seconds": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.version) {
    process.stdout.write(`${packageVersion(import.meta.url)}\n`);
    return;
  }
  const pollText = values["poll-interval-seconds"];
  const poll = pollText === undefined ? DEFAULT_POLL_SECONDS : Number(pollText);
  if (!Number.isFinite(poll) || poll < 0)
    fail(`--poll-interval-seconds must be a non-negative number, got '${pollText}'`);
  let settings: ContinuationSettings;
  try {
    settings = continuationSettingsFromEnv(process.env, values["data-dir"]);
  } catch (error) {
    fail((error as Error).message); // a setting the supervisor cannot honour, e.g. an unknown tool naming
  }
  if (values.stop) {
    if (process.platform !== "win32") fail("--stop is for Windows; elsewhere send the supervisor SIGTERM");
    const requested = requestStop(settings.dataDir);
    printJson({ status: requested ? "stop_requested" : "not_running", data_dir: settings.dataDir });
    process.exit(requested ? 0 : 1);
  }
  const refusal = repoDataDirProblem(settings.dataDir);
  if (refusal) fail(refusal);
  const launchConfigured = settings.resumeCommand !== null || settings.startCommand !== null;
  if (values.once) {
    process.exitCode = await once(settings, poll, launchConfigured);
    return;
  }
  const logger = createLogger(settings.logLevel, {
    file: logFilePath(settings.dataDir, "grace-host-continuation", "supervisor"),
  });
  if (!launchConfigured) logger.warn(NO_LAUNCH_COMMAND);
  await runLoop(settings, poll, logger);
  await logger.close?.();
  process.exit(0);
}

/** One scan, its summary as JSON; a data dir that is missing or a launch nobody can make is an error. */
async function once(
  settings: ContinuationSettings,
  poll: number,
  launchConfigured: boolean,
): Promise<number> {
  const missing = missingDataDirProblem(settings.dataDir);
  if (missing) {
    // A typo in the path must not create a fresh, empty data dir somewhere.
    printJson({
      status: "missing_data_dir",
      data_dir: settings.dataDir,
      message: missing,
      processed_count: 0,
      locked_count: 0,
    });
    return 2;
  }
  if (!launchConfigured) {
    printJson({
      status: "no_launch_command",
      data_dir: settings.dataDir,
      message: NO_LAUNCH_COMMAND,
      processed_count: 0,
      locked_count: 0,
    });
    process.stderr.write(`${NO_LAUNCH_COMMAND}\n`);
    return 1;
  }
  const logger = createLogger(settings.logLevel, {
    file: logFilePath(settings.dataDir, "grace-host-continuation", "supervisor"),
  });
  const supervisor = new Supervisor({ settings, pollIntervalSeconds: poll, logger });
  try {
    const summary = await supervisor.scan();
    await supervisor.beatUnlessOneIsAlive();
    const { more: _more, ...rest } = summary;
    printJson(rest);
  } finally {
    supervisor.close();
    await logger.close?.();
  }
  return 0;
}

async function runLoop(settings: ContinuationSettings, poll: number, logger: Logger): Promise<void> {
  const supervisor = new Supervisor({ settings, pollIntervalSeconds: poll, logger, warmGate: true });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.on("SIGTERM", stop);
  // Ctrl-C; on Windows Ctrl-Break arrives as SIGBREAK, and the stop event is what --stop sets.
  process.on("SIGINT", stop);
  process.on("SIGBREAK", stop);
  const unwatch = process.platform === "win32" ? watchStopEvent(settings.dataDir, stop) : () => {};
  logger.info("host continuation supervisor started", {
    version: packageVersion(import.meta.url),
    data_dir: settings.dataDir,
    poll_interval_seconds: poll,
    resume_configured: settings.resumeCommand !== null,
    start_configured: settings.startCommand !== null,
  });
  try {
    await supervisor.run(abort.signal);
  } finally {
    unwatch();
    supervisor.close();
  }
  logger.info("host continuation supervisor stopped", { data_dir: settings.dataDir });
}

main().catch((error: unknown) => {
  // A refusal is a sentence for the operator; anything else keeps its stack for the bug report.
  const text =
    error instanceof OrchestratorError ? error.message : ((error as Error)?.stack ?? String(error));
  process.stderr.write(`grace-host-continuation failed: ${text}\n`);
  process.exit(1);
});
