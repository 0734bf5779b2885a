#!/usr/bin/env node
// Entry of the MCP server. It turns on V8's compile cache (in the data dir) before loading the
// server, so every start after the first skips most of the JavaScript compilation.
import { enableCompileCache } from "node:module";
import { compileCacheDir } from "../config/settings.js";

const cacheDir = compileCacheDir(process.env);
if (cacheDir) enableCompileCache(cacheDir);
await import("./server-main.js");
