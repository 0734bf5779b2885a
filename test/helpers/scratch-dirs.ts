import fs from "node:fs";
import { afterEach } from "vitest";
import { tempDir } from "./mcp-client.js";

/** A maker of temporary dirs that are removed after each test of the calling file. */
export function scratchDirs(): (prefix: string) => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d;
  };
}
