import { existsSync } from "node:fs";
import path from "node:path";

export interface InstallPaths {
  /** Root of this installation (the folder holding package.json). */
  root: string;
  /** The built server entry: what the `grace-orchestrator-mcp` bin runs. */
  serverEntry: string;
}

/** Found from this module's own location, so it holds for a checkout, a global install and tests run from src. */
export function installPaths(from: string = import.meta.dirname): InstallPaths {
  let dir = from;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { root: dir, serverEntry: path.join(dir, "dist", "src", "cli", "server.js") };
}
