import fs from "node:fs";
import { settingsFromEnv } from "../config/settings.js";
import { ROLES } from "../domain/roles.js";
import { TOOL_NAMINGS } from "../domain/tool-names.js";
import { allTools } from "./index.js";
import {
  codeFingerprint,
  jsFiles,
  listingKey,
  writeListing,
  writeManifest,
  type ListingInputs,
} from "./listing-cache.js";
import { listingOf } from "./registry.js";

/** The inputs of every listing a server with default settings may serve: each role in each naming. */
export function defaultListingInputs(): ListingInputs[] {
  const s = settingsFromEnv({});
  const wait = {
    toolCallLimitSeconds: s.handoffWaitToolCallLimitSeconds,
    transportGraceSeconds: s.handoffWaitTransportGraceSeconds,
  };
  return ROLES.flatMap((role) =>
    TOOL_NAMINGS.map((naming) => ({
      role,
      naming,
      wait,
      workerEventsPerMinute: s.handoffWorkerEventsPerMinute,
    })),
  );
}

/** The listing a server with these inputs computes at start when no built one matches. */
export function computedListing(inputs: ListingInputs) {
  const { role, naming, wait, workerEventsPerMinute } = inputs;
  return listingOf(allTools({ wait, workerEventsPerMinute, toolNames: naming }), role, naming);
}

/** Replaces `dir` with the listings of the code under `srcDir`, one file per key. */
export function writeBuiltListings(srcDir: string, dir: string): number {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = jsFiles(srcDir);
  writeManifest(dir, files);
  const fingerprint = codeFingerprint(srcDir, files);
  const all = defaultListingInputs();
  for (const inputs of all) writeListing(dir, listingKey(fingerprint, inputs), computedListing(inputs));
  return all.length;
}
