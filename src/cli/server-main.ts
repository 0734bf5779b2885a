import { identityFromEnv } from "../config/identity.js";
import { repoDataDirProblem } from "../config/data-dir.js";
import { createLogger, logFilePath } from "../config/logger.js";
import { mimoChildEnv } from "../config/mimo-env.js";
import { MESSAGE_MAX_BYTES } from "../domain/limits.js";
import { packageVersion } from "../config/node-guard.js";
import { settingsFromEnv } from "../config/settings.js";
import { openLedger } from "../ledger/database.js";
import { createServiceContext } from "../service/context.js";
import { buildMcpServer } from "../tools/mcp-server.js";
import { BoundedStdioServerTransport, END_OF_INPUT } from "../tools/stdio-transport.js";

/** The MCP server: one process per actor identity, JSON-RPC on stdout, logs on stderr. */
async function main(): Promise<void> {
  let identity;
  let settings;
  try {
    identity = identityFromEnv(process.env);
    settings = settingsFromEnv(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const refusal = repoDataDirProblem(settings.dataDir);
  if (refusal) {
    process.stderr.write(`${refusal}\n`);
    process.exit(2);
  }
  const logger = createLogger(settings.logLevel, {
    file: logFilePath(settings.dataDir, "grace-orchestrator-mcp", identity.name),
  });
  const db = openLedger(settings.dataDir);
  const svc = createServiceContext(db, identity, settings.dataDir, logger);
  // Events committed by a process that died before projecting them are projected now.
  svc.events.publish([]);
  const { server, tools } = await buildMcpServer(
    svc,
    {
      wait: {
        toolCallLimitSeconds: settings.handoffWaitToolCallLimitSeconds,
        transportGraceSeconds: settings.handoffWaitTransportGraceSeconds,
      },
      mimo: {
        command: settings.mimoCommand,
        env: mimoChildEnv(process.env),
        mcpHome: settings.mcpHome,
        toolNames: settings.toolNames,
      },
      toolNames: settings.toolNames,
      toolList: settings.toolList,
      workerEventsPerMinute: settings.handoffWorkerEventsPerMinute,
    },
    logger,
  );
  let exiting = false;
  const shutdown = (code: number) => {
    if (exiting) return;
    exiting = true;
    void server.close().finally(() => {
      svc.signal.close();
      db.close();
      void (logger.close?.() ?? Promise.resolve()).finally(() => process.exit(code));
    });
  };
  const transport = new BoundedStdioServerTransport(
    { stdin: process.stdin, stdout: process.stdout },
    MESSAGE_MAX_BYTES,
    logger,
  );
  // End of input is the client leaving; any other close is a failure the operator must be able to see.
  transport.onclose = () => {
    if (exiting) return;
    if (transport.closeReason === END_OF_INPUT) return shutdown(0);
    logger.error("the MCP connection closed", { reason: transport.closeReason });
    shutdown(1);
  };
  server.server.onerror = (error) => logger.warn("MCP message error", { error: error.message });
  process.on("SIGTERM", () => shutdown(0));
  process.on("SIGINT", () => shutdown(0));
  await server.connect(transport);
  logger.info("grace-orchestrator-mcp ready", {
    version: packageVersion(import.meta.url),
    actor: identity.name,
    role: identity.primaryRole,
    tools: tools.length,
    data_dir: settings.dataDir,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `grace-orchestrator-mcp failed to start: ${(error as Error)?.message ?? String(error)}\n`,
  );
  process.exit(1);
});
