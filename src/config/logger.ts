import { createRequire } from "node:module";
import type * as Winston from "winston";

/** The logging surface the code uses; every line goes to stderr (stdout belongs to JSON-RPC). */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

const LEVELS = ["error", "warn", "info", "debug"] as const;
type Level = (typeof LEVELS)[number];

const load = createRequire(import.meta.url);

function winstonLogger(level: string): Winston.Logger {
  const winston = load("winston") as typeof Winston;
  return winston.createLogger({
    level,
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.printf(({ level: lvl, message, timestamp, ...meta }) => {
        const extra = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : "";
        return `${String(timestamp)} ${lvl.toUpperCase()} ${String(message)}${extra}`;
      }),
    ),
    transports: [new winston.transports.Stream({ stream: process.stderr, eol: "\n" })],
  });
}

/**
 * A winston logger created on the first line that passes the level: winston costs ~13 MB and
 * ~40 ms, which a quiet server (the usual case) never needs to pay at start-up. Callers log ids
 * and statuses, never environment values, so secrets do not reach a log line.
 */
export function createLogger(level: string): Logger {
  const limit = LEVELS.indexOf(level as Level);
  let real: Winston.Logger | null = null;
  const emit = (lvl: Level) => (message: string, meta?: Record<string, unknown>) => {
    if (LEVELS.indexOf(lvl) > limit) return;
    real ??= winstonLogger(level);
    real.log(lvl, message, meta ?? {});
  };
  return { error: emit("error"), warn: emit("warn"), info: emit("info"), debug: emit("debug") };
}
