// Build step after tsc. It writes the tools/list answers of the compiled code into
// dist/tool-listing/, so a server start serves them instead of converting every schema again, and
// it makes each bin entry of package.json executable: tsc writes 0644, and `npx <bin>` inside the
// checkout runs the bin directly. npm makes it executable only when it first links the checkout
// into its npx cache, so a fresh clone built at a path npx has seen before would get
// "Permission denied".
import fs from "node:fs";
import path from "node:path";
import { packageRoot, readPackageJson } from "../config/node-guard.js";
import { BUILT_LISTING_DIR, BUILT_SRC_DIR } from "../tools/listing-cache.js";
import { writeBuiltListings } from "../tools/listing-build.js";

const count = await writeBuiltListings(BUILT_SRC_DIR, BUILT_LISTING_DIR);
process.stdout.write(`tool listings: ${count} written to ${BUILT_LISTING_DIR}\n`);

const root = packageRoot(import.meta.url);
if (!root)
  throw new Error(`build-finish: no package.json of grace-orchestrator-mcp above ${import.meta.url}`);
const bins = Object.values(readPackageJson(root)?.bin ?? {});
for (const entry of bins) fs.chmodSync(path.join(root, entry), 0o755);
process.stdout.write(`bin entries made executable: ${bins.length}\n`);
