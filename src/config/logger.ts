import winston from "winston";

/**
 * All logs go to stderr: stdout of the MCP server belongs to JSON-RPC. Secrets never
 * reach a log line because callers log ids and statuses, never environment values.
 */
export function createLogger(level: string): winston.Logger {
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
