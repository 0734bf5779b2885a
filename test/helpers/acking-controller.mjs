#!/usr/bin/env node
// A stand-in controller that acknowledges its continuation through an MCP server of its own, as a
// revived Codex would: it starts the built server (role codex) over STDIO with the SDK's client,
// calls orchestrator.whoami and continuation.ack with the keys from its environment, and writes
// what it got to the JSON file named by argv[3]. argv[2] is the data dir ({data_dir}).
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { resultText, resultValue } from "../../dist/test/helpers/mcp-client.js";

const [dataDir, resultFile] = process.argv.slice(2);
const server = fileURLToPath(new URL("../../dist/src/cli/server.js", import.meta.url));
const result = { pid: process.pid, started_at: new Date().toISOString() };
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [server],
  env: {
    ...getDefaultEnvironment(),
    GRACE_ORCHESTRATOR_DATA_DIR: dataDir,
    GRACE_ORCHESTRATOR_ACTOR_NAME: "codex-main",
    GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex",
    GRACE_LOG_LEVEL: "warn",
  },
  stderr: "ignore",
});
const client = new Client({ name: "acking-controller", version: "0.0.0" });
try {
  await client.connect(transport);
  const whoami = await client.callTool({ name: "orchestrator.whoami", arguments: {} });
  result.whoami = resultValue(whoami);
  const ack = await client.callTool({
    name: "continuation.ack",
    arguments: {
      continuation_id: process.env.GRACE_CONTINUATION_ID,
      source_event_id: process.env.GRACE_CONTINUATION_SOURCE_EVENT_ID,
      attempt_id: process.env.GRACE_CONTINUATION_ATTEMPT_ID,
      controller_session_id: `acking-${process.pid}`,
    },
  });
  result.ack = ack.isError ? { error: resultText(ack) } : resultValue(ack);
} catch (error) {
  result.error = String(error?.stack ?? error);
} finally {
  await client.close().catch(() => {});
}
fs.writeFileSync(`${resultFile}.tmp`, JSON.stringify(result, null, 2));
fs.renameSync(`${resultFile}.tmp`, resultFile);
