#!/usr/bin/env node
// A host supervisor (the built one) that scans its data dir once and dies by SIGKILL at one exact
// moment of that scan's launch, chosen by argv[3]:
//   after-commit  the launch is durable (CONTROLLER_STARTED, the gate as its process) and the
//                 gate has not been sent the spec yet
//   after-report  the gate reported the controller's pid and the scan finished
// argv[2] is the data dir; the start command and the rest come from the environment, as for
// the real supervisor. argv[4], when given, is how long (ms) the gate may take to report (1: it
// never does in time, so the launch stays unconfirmed).
// Exit code 3: the moment never came (nothing was launched).
import { continuationSettingsFromEnv } from "../../dist/src/config/continuation.js";
import { Supervisor } from "../../dist/src/continuation/supervisor.js";

const [dataDir, moment, reportTimeoutArg] = process.argv.slice(2);
const die = () => process.kill(process.pid, "SIGKILL");
const reportTimeout = Number(reportTimeoutArg ?? "0");
const supervisor = new Supervisor({
  settings: continuationSettingsFromEnv(process.env, dataDir),
  pollIntervalSeconds: 5,
  ...(moment === "after-commit" ? { afterCommit: die } : {}),
  ...(reportTimeout > 0 ? { reportTimeoutMs: reportTimeout } : {}),
});
const summary = await supervisor.scan();
process.stdout.write(`${JSON.stringify(summary.delivery_results)}\n`);
if (moment === "after-report" && summary.delivery_results.length > 0) die();
process.exit(3);
