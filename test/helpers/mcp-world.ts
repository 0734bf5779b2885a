import { afterAll, beforeAll } from "vitest";
import { mcpCaller } from "./git-repo-lifecycle.js";
import { tempDir } from "./mcp-client.js";

export type McpWorld = Awaited<ReturnType<typeof mcpCaller>>;

/** One built server per identity on a fresh data dir, started before the file's tests and closed after. */
export function useMcpWorld(prefix: string): { dataDir: string; world: () => McpWorld } {
  const dataDir = tempDir(prefix);
  let world: McpWorld | undefined;
  beforeAll(async () => {
    world = await mcpCaller(dataDir);
  });
  afterAll(async () => {
    await world?.close();
  });
  return {
    dataDir,
    world: () => {
      if (!world) throw new Error("the MCP world is not started yet");
      return world;
    },
  };
}
