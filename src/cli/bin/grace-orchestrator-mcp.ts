#!/usr/bin/env node
// The grace-orchestrator-mcp bin: the Node check runs before any other module is loaded.
import { nodeIsSupported } from "../../config/node-guard.js";

if (nodeIsSupported(import.meta.url)) {
  const { dispatch } = await import("../server-commands.js");
  await dispatch(process.argv.slice(2));
}
