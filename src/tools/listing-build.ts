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
import { toolModulesOf } from "./tool-modules.js";

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

/**
 * Each tool's module of tools, by canonical name (the same for any inputs); the build fails if
 * the modules do not hold exactly the tools `allTools` gives.
 */
async function toolModulesFor(inputs: ListingInputs): Promise<Record<string, string>> {
  const { naming, wait, workerEventsPerMinute } = inputs;
  const modules = await toolModulesOf({ wait, workerEventsPerMinute, toolNames: naming });
  const names = toolsOf(inputs).map((d) => d.name);
  const held = Object.keys(modules);
  if (held.length !== names.length || names.some((n) => modules[n] === undefined)) {
    throw new Error(`TOOL_MODULES holds ${held.join(", ")}; allTools gives ${names.join(", ")}`);
  }
  return modules;
}

/** Replaces `dir` with the listings of the code under `srcDir`, one file per key. */
export async function writeBuiltListings(srcDir: string, dir: string): Promise<number> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = jsFiles(srcDir);
  const all = defaultListingInputs();
  writeManifest(dir, files, await toolModulesFor(all[0]!));
  const fingerprint = codeFingerprint(srcDir, files);
  for (const inputs of all) writeListing(dir, listingKey(fingerprint, inputs), computedListing(inputs));
  return all.length;
}
