import { createRequire } from "node:module";
import path from "node:path";
import type * as Winston from "winston";

/**
 * The logging surface the code uses. Every line goes to stderr (stdout belongs to JSON-RPC) and,
 * when a file is given, to that file too: a supervisor run by the Task Scheduler in a hidden
 * window has no stderr anyone reads.
 */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  /** Flushes and closes the file; call before process.exit so the last lines reach the disk. */
  close?(): Promise<void>;
}

export interface LoggerOptions {
  /** A log file, rotated by size; its folder is created on the first line. */
  file?: string;
}

const LEVELS = ["error", "warn", "info", "debug"] as const;
type Level = (typeof LEVELS)[number];

/** Rotation: at most LOG_FILES files of LOG_FILE_BYTES each per bin and actor. */
export const LOG_FILE_BYTES = 5 * 1024 * 1024;
export const LOG_FILES = 5;
/** A close that winston never acknowledges must not hold the process open. */
const CLOSE_TIMEOUT_MS = 2_000;

const load = createRequire(import.meta.url);

/** `<data>/logs/<bin>-<actor>.log`, the actor reduced to characters every file system accepts. */
export function logFilePath(dataDir: string, bin: string, actor: string): string {
  const safe = actor.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 64) || "_";
  return path.join(dataDir, "logs", `${bin}-${safe}.log`);
}

function winstonLogger(level: string, options: LoggerOptions): Winston.Logger {
  const winston = load("winston") as typeof Winston;
  const transports: Winston.transport[] = [
    new winston.transports.Stream({ stream: process.stderr, eol: "\n" }),
  ];
  if (options.file) {
    const file = new winston.transports.File({
      filename: options.file,
      maxsize: LOG_FILE_BYTES,
      maxFiles: LOG_FILES,
      tailable: true,
      eol: "\n",
    });
    // An unwritable log folder costs the file, never the process; stderr still has every line.
    file.on("error", (error: Error) => process.stderr.write(`log file ${options.file}: ${error.message}\n`));
    transports.push(file);
  }
  return winston.createLogger({
    level,
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.printf(({ level: lvl, message, timestamp, ...meta }) => {
        const extra = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : "";
        return `${String(timestamp)} ${lvl.toUpperCase()} ${String(message)}${extra}`;
      }),
    ),
    transports,
  });
}

function closeWinston(real: Winston.Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
    const files = real.transports.filter((t) => "filename" in t);
    let open = files.length;
    const done = () => {
      if (--open > 0) return;
      clearTimeout(timer);
      resolve();
    };
    // The logger's own 'finish' comes before its file transports have written; wait for theirs.
    for (const t of files) t.once("finish", done);
    if (files.length === 0) {
      open = 1;
      real.once("finish", done);
    }
    real.end();
  });
}

/**
 * A winston logger created on the first line that passes the level: winston costs ~13 MB and
 * ~40 ms, which a process that logs nothing never needs to pay. Callers log ids and statuses,
 * never environment values, so secrets do not reach a log line or file.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const limit = LEVELS.indexOf(level as Level);
  let real: Winston.Logger | null = null;
  const emit = (lvl: Level) => (message: string, meta?: Record<string, unknown>) => {
    if (LEVELS.indexOf(lvl) > limit) return;
    real ??= winstonLogger(level, options);
    real.log(lvl, message, meta ?? {});
  };
  return {
    error: emit("error"),
    warn: emit("warn"),
    info: emit("info"),
    debug: emit("debug"),
    close: () => (real ? closeWinston(real) : Promise.resolve()),
  };
}
