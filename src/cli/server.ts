#!/usr/bin/env node
// Entry of the MCP server. It turns on V8's compile cache (in the data dir) before loading the
// server, so every start after the first skips most of the JavaScript compilation. A process
// without a valid identity, or with a data dir it will refuse, writes nothing: the server then
// only reports the error and exits.
import { enableCompileCache } from "node:module";
import { repoDataDirProblem } from "../config/data-dir.js";
import { identityFromEnv } from "../config/identity.js";
import { compileCacheDir } from "../config/settings.js";
import { deferModules } from "./defer-modules.js";

function cacheDir(): string | null {
  try {
    identityFromEnv(process.env);
    const dir = compileCacheDir(process.env);
    // A data dir the server will refuse must not get a cache folder first.
    return dir && !repoDataDirProblem(dir) ? dir : null;
  } catch {
    return null;
  }
}

// With arguments this is a command (import-legacy, doctor, --help…), not a server: the table in
// server-commands.ts runs it, and no compile cache is set up for a one-shot run.
if (process.argv.length > 2) {
  const { dispatch } = await import("./server-commands.js");
  await dispatch(process.argv.slice(2));
} else {
  const dir = cacheDir();
  if (dir) enableCompileCache(dir);
  deferModules();
  await import("./server-main.js");
}
