// Build step after tsc: writes the tools/list answers of the compiled code into dist/tool-listing/,
// so a server start serves them instead of converting every schema again.
import { BUILT_LISTING_DIR, BUILT_SRC_DIR } from "../tools/listing-cache.js";
import { writeBuiltListings } from "../tools/listing-build.js";

const count = await writeBuiltListings(BUILT_SRC_DIR, BUILT_LISTING_DIR);
process.stdout.write(`tool listings: ${count} written to ${BUILT_LISTING_DIR}\n`);
