#!/usr/bin/env node
// Entry of the MCP server. It turns on V8's compile cache (in the data dir) before loading the
// server, so every start after the first skips most of the JavaScript compilation. A process
// without a valid identity, or with a data dir it will refuse, writes nothing: the server then only reports the error and exits.
import { enableCompileCache } from "node:module";
import { repoDataDirProblem } from "../config/data-dir.js";
import { identityFromEnv } from "../config/identity.js";
import { compileCacheDir } from "../config/settings.js";

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

const dir = cacheDir();
if (dir) enableCompileCache(dir);
// `import-legacy` is a one-shot command, not a server: it needs no identity.
if (process.argv[2] === "import-legacy") await import("./import-legacy.js");
else await import("./server-main.js");
