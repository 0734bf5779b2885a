#!/usr/bin/env node
/**
 * grace-status: a read-only dashboard over a data dir's ledger. It opens the
 * ledger read-only and never migrates, so pointing it at a live or foreign data dir is safe.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { missingDataDirProblem } from "../config/data-dir.js";
import { packageVersion } from "../config/node-guard.js";
import { settingsFromEnv } from "../config/settings.js";
import { LEDGER_FILE, type Db } from "../ledger/database.js";
import { identifyLedger, LedgerRefusedError } from "../ledger/identity.js";
import { LATEST_VERSION } from "../ledger/migrations.js";
import { findProject } from "../ledger/tables/projects.js";
import { openNamedSignal, type NamedSignal, type Waiter } from "../signal/named-signal.js";
import { supervisorState } from "../continuation/heartbeat.js";
import { goneSessionIds } from "../status/attention.js";
import { renderHtml } from "../status/html.js";
import { renderText } from "../status/render.js";
import { terminalSafe, terminalSafeDeep, terminalSafeJson } from "../domain/terminal-text.js";
import { snapshot, type StatusSnapshot } from "../status/snapshot.js";
import { timelines } from "../status/timeline.js";

const USAGE = `Usage: grace-status [--data-dir DIR] [--project ID] [--json] [--ascii] [--watch [SECONDS]] [--html FILE] [--help] [--version]

Prints what needs a person first (workers asking for help, controllers not acknowledging,
dead-lettered continuations, Mimo sessions whose process is gone) and whether a supervisor runs,
then projects -> tasks -> work packages (next actions, Mimo sessions, handoff events) and the open
continuation deliveries of a data dir's ledger, read-only. Exit 2: no such data dir or project.
  --data-dir DIR   data dir (or the ledger .sqlite3 file); default GRACE_ORCHESTRATOR_DATA_DIR
  --project ID     only this project
  --json           the snapshot as JSON (with --watch: one line per frame, NDJSON)
  --html FILE      write the snapshot and a timeline per work package as one self-contained page
  --ascii          ASCII tree glyphs
  --watch [N]      re-render every N seconds (default 2) and on handoff events, until Ctrl-C`;

const DEFAULT_WATCH_SECONDS = 2;

function fail(message: string): never {
  process.stderr.write(`${terminalSafe(message)}\n`);
  process.exit(2);
}

interface Options {
  dataDir: string;
  ledgerFile: string;
  projectId: number | undefined;
  json: boolean;
  ascii: boolean;
  watchSeconds: number | null;
  html: string | null;
}

/** --data-dir (or the configured data dir); a .sqlite3 name or an existing file is the ledger itself. */
function ledgerLocation(dirFlag: string | undefined): { dataDir: string; ledgerFile: string } {
  let dirText = dirFlag;
  if (dirText === undefined) {
    try {
      dirText = settingsFromEnv(process.env).dataDir;
    } catch (error) {
      fail((error as Error).message);
    }
  }
  const target = path.resolve(dirText);
  const isFile = target.endsWith(".sqlite3") || (fs.existsSync(target) && fs.statSync(target).isFile());
  return {
    dataDir: isFile ? path.dirname(target) : target,
    ledgerFile: isFile ? target : path.join(target, LEDGER_FILE),
  };
}

function parseOptions(argv: string[]): Options | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        "data-dir": { type: "string" },
        project: { type: "string" },
        json: { type: "boolean", default: false },
        ascii: { type: "boolean", default: false },
        watch: { type: "boolean", default: false },
        html: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
      strict: true,
      // The only positional is the optional interval after --watch (parseArgs has no optional values).
      allowPositionals: true,
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return null;
  }
  if (values.version) {
    process.stdout.write(`${packageVersion(import.meta.url)}\n`);
    return null;
  }
  if (positionals.length > (values.watch ? 1 : 0))
    fail(`Unexpected argument '${positionals.at(-1)}'\n${USAGE}`);
  let watchSeconds: number | null = null;
  if (values.watch) {
    const text = positionals[0];
    watchSeconds = text === undefined ? DEFAULT_WATCH_SECONDS : Number(text);
    if (!Number.isFinite(watchSeconds) || watchSeconds <= 0)
      fail(`--watch needs a positive number of seconds, got '${text}'`);
  }
  let projectId: number | undefined;
  if (values.project !== undefined) {
    projectId = Number(values.project);
    if (!Number.isSafeInteger(projectId) || projectId <= 0)
      fail(`--project needs a project id, got '${values.project}'`);
  }
  return {
    ...ledgerLocation(values["data-dir"]),
    projectId,
    json: values.json,
    ascii: values.ascii,
    watchSeconds,
    html: values.html === undefined ? null : path.resolve(values.html),
  };
}

/** Read-only and fileMustExist: a wrong path must never leave a fresh, empty ledger behind. */
function openReadOnly(options: Options): Db {
  const missing = missingDataDirProblem(options.dataDir);
  if (missing) fail(missing);
  if (!fs.existsSync(options.ledgerFile)) {
    fail(`No ledger at ${options.ledgerFile}: the orchestrator has not used this data dir yet.`);
  }
  try {
    identifyLedger(options.ledgerFile);
  } catch (error) {
    if (!(error instanceof LedgerRefusedError)) throw error;
    fail(error.message);
  }
  let db: Db;
  try {
    db = new Database(options.ledgerFile, { readonly: true, fileMustExist: true, timeout: 5_000 });
  } catch (error) {
    fail(`Cannot open the ledger ${options.ledgerFile} read-only: ${(error as Error).message}`);
  }
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version !== LATEST_VERSION) {
    db.close();
    // Migrating is the server's job; reading another schema could silently misreport.
    fail(
      `Ledger schema version ${version} differs from this tool's ${LATEST_VERSION}: ` +
        (version < LATEST_VERSION
          ? "start the orchestrator server once to migrate it."
          : "upgrade grace-orchestrator-mcp."),
    );
  }
  return db;
}

/** Every byte this command prints goes through here. */
function print(text: string): void {
  process.stdout.write(text);
}

/** The probes (session processes, supervisor heartbeat) run first; the ledger read is one transaction. */
async function takeSnapshot(db: Db, options: Options): Promise<StatusSnapshot> {
  const [goneSessions, supervisor] = await Promise.all([
    goneSessionIds(db),
    supervisorState(options.dataDir),
  ]);
  return snapshot(db, { projectId: options.projectId, goneSessions, supervisor });
}

async function frame(db: Db, options: Options, watching: boolean): Promise<string> {
  const snap = await takeSnapshot(db, options);
  // A watch stream is NDJSON: one snapshot per line, so `| head -1` or `| jq -c` work.
  // Ledger text is agent-written: made terminal-safe here, at the print edge, before our own
  // colour and clear-screen sequences are added.
  if (options.json) return `${terminalSafeJson(snap, watching ? undefined : 2)}\n`;
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const text = renderText(terminalSafeDeep(snap), { color, ascii: options.ascii });
  // Clearing only makes sense on a terminal; piped output keeps every frame.
  return watching && process.stdout.isTTY ? `\u001b[2J\u001b[H${text}` : text;
}

function requireProject(db: Db, options: Options): void {
  if (options.projectId === undefined) return;
  if (!findProject(db, options.projectId))
    fail(
      `No project ${options.projectId} in ${options.ledgerFile}; run grace-status without --project to list them.`,
    );
}

async function writeHtml(db: Db, options: Options, file: string): Promise<void> {
  const snap = await takeSnapshot(db, options);
  fs.writeFileSync(file, renderHtml(snap, timelines(db, snap)));
  print(`Wrote ${file}\n`);
}

async function watch(db: Db, options: Options, seconds: number): Promise<void> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // Handoff events wake the "runs" channel; the interval covers every other change. Without a
  // working signal (e.g. a read-only data dir) the interval alone drives the frames.
  let named: NamedSignal | null = null;
  let waiter: Waiter | null = null;
  try {
    named = openNamedSignal(options.dataDir);
    waiter = named.subscribe("runs");
  } catch {
    named?.close();
    named = null;
  }
  try {
    while (!abort.signal.aborted) {
      print(await frame(db, options, true));
      if (waiter) await waiter.wait(seconds * 1000, abort.signal);
      else await sleep(seconds * 1000, abort.signal);
    }
  } finally {
    waiter?.close();
    named?.close();
  }
}

function sleep(ms: number, abort: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    abort.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return;
  // A reader that goes away (`| head`) ends the output, not with a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  const db = openReadOnly(options);
  try {
    requireProject(db, options);
    if (options.html !== null) await writeHtml(db, options, options.html);
    else if (options.watchSeconds === null) print(await frame(db, options, false));
    else await watch(db, options, options.watchSeconds);
  } finally {
    db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `grace-status: ${terminalSafe(error instanceof Error ? error.message : String(error))}\n`,
  );
  process.exit(1);
});
