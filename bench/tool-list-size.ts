import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connect } from "../test/helpers/mcp-client.js";

/**
 * What each role's agent pays to read the tool surface: the bytes of the tools/list answer as JSON
 * and approximate tokens (bytes / 4), from the built server over STDIO. Deterministic, so one run.
 * `node dist/bench/tool-list-size.js underscore` measures the underscore naming mode.
 */
const ROLES = ["user", "codex", "glm", "test_owner", "worker_junior", "worker_pro"];
const naming = process.argv[2];

async function listFor(role: string, dataDir: string): Promise<{ tools: number; bytes: number }> {
  const c = await connect(
    dataDir,
    { name: `${role}-bench`, role },
    naming ? { GRACE_ORCHESTRATOR_TOOL_NAMES: naming } : {},
  );
  const listed = await c.client.listTools();
  await c.close();
  return { tools: listed.tools.length, bytes: Buffer.byteLength(JSON.stringify(listed), "utf8") };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-tool-list-"));
console.log("role           tools   bytes   ~tokens");
for (const role of ROLES) {
  const { tools, bytes } = await listFor(role, dataDir);
  console.log(
    `${role.padEnd(14)} ${String(tools).padStart(5)} ${String(bytes).padStart(7)} ${String(Math.round(bytes / 4)).padStart(9)}`,
  );
}
fs.rmSync(dataDir, { recursive: true, force: true });
