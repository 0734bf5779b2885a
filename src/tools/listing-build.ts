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

function toolsOf(inputs: ListingInputs) {
  const { naming, wait, workerEventsPerMinute } = inputs;
  return allTools({ wait, workerEventsPerMinute, toolNames: naming });
}

/** The listing a server with these inputs computes at start when no built one matches. */
export function computedListing(inputs: ListingInputs) {
  return listingOf(toolsOf(inputs), inputs.role, inputs.naming);
}

/** Every tool's canonical name: the same for any inputs. */
function toolNamesOf(inputs: ListingInputs): string[] {
  return toolsOf(inputs).map((d) => d.name);
}

/** Replaces `dir` with the listings of the code under `srcDir`, one file per key. */
export function writeBuiltListings(srcDir: string, dir: string): number {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = jsFiles(srcDir);
  const all = defaultListingInputs();
  writeManifest(dir, files, toolNamesOf(all[0]!));
  const fingerprint = codeFingerprint(srcDir, files);
  for (const inputs of all) writeListing(dir, listingKey(fingerprint, inputs), computedListing(inputs));
  return all.length;
}
