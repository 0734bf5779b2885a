import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { Role } from "../domain/roles.js";
import type { ToolNaming } from "../domain/tool-names.js";
import type { WaitLimits } from "../service/handoff.js";

/**
 * The tools/list answer computed once per build: turning every zod schema into portable JSON
 * Schema is the costliest step of a start. The build writes each role's listing under a key
 * that hashes the compiled code it came from (every module it found beside this one, named in
 * the dir's manifest, and the zod version that converts the schemas) with everything else the
 * listing reads: the role, the naming and the settings the descriptions quote. A start hashes
 * the manifest's modules as they are now and looks up only its own key, so a listing from other
 * code or other settings is never found and the server computes its own. A module added since
 * cannot change the listing without a listed module changing to import it.
 */
export interface ListingInputs {
  role: Role;
  naming: ToolNaming;
  wait: WaitLimits;
  workerEventsPerMinute: number;
}

/** Where the built listings live: `dist/tool-listing/`, beside the compiled `dist/src/`. */
export const BUILT_SRC_DIR = path.resolve(import.meta.dirname, "..");
export const BUILT_LISTING_DIR = path.resolve(BUILT_SRC_DIR, "..", "tool-listing");

/** The compiled modules under `dir`, as paths relative to it. */
export function jsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".js"))
    .sort();
}

function zodVersion(): string {
  const file = createRequire(import.meta.url).resolve("zod/package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/** A hash of the zod version and of these modules under `srcDir` (names and contents). */
export function codeFingerprint(srcDir: string, files: readonly string[]): string {
  const hash = createHash("sha256").update(`zod ${zodVersion()}\0`);
  for (const file of files) {
    hash
      .update(`${file}\0`)
      .update(fs.readFileSync(path.join(srcDir, file)))
      .update("\0");
  }
  return hash.digest("hex");
}

/** The file name of one listing: the code fingerprint and every input, hashed together. */
export function listingKey(fingerprint: string, inputs: ListingInputs): string {
  const { role, naming, wait, workerEventsPerMinute } = inputs;
  const text = JSON.stringify([
    fingerprint,
    role,
    naming,
    wait.toolCallLimitSeconds,
    wait.transportGraceSeconds,
    workerEventsPerMinute,
  ]);
  return createHash("sha256").update(text).digest("hex");
}

const MANIFEST = "manifest.json";

export function writeListing(dir: string, key: string, tools: readonly Tool[]): void {
  fs.writeFileSync(path.join(dir, `${key}.json`), JSON.stringify({ tools }));
}

/**
 * The manifest names the modules the listings were built from and, for every tool by its
 * canonical name, the module of tools it is in.
 */
export function writeManifest(
  dir: string,
  files: readonly string[],
  toolModules: Readonly<Record<string, string>>,
): void {
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify({ files, toolModules }));
}

function manifest(dir: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), "utf8")) as Record<string, unknown>;
}

function manifestFiles(dir: string): string[] | null {
  const { files } = manifest(dir);
  return Array.isArray(files) && files.every((f) => typeof f === "string") ? files : null;
}

/** Each tool's module of tools, by canonical name, in the build whose listings are under `dir`, or null. */
export function builtToolModules(dir: string): Record<string, string> | null {
  try {
    const { toolModules } = manifest(dir);
    if (toolModules === null || typeof toolModules !== "object") return null;
    const entries = Object.entries(toolModules as Record<string, unknown>);
    return entries.every(([, m]) => typeof m === "string") ? (toolModules as Record<string, string>) : null;
  } catch {
    return null;
  }
}

/**
 * The listing built for exactly these inputs from the code under `srcDir`, or null (no listing
 * dir, no manifest, a module of it gone, no listing under this key, or an unreadable one): the
 * caller then computes it.
 */
export function builtListing(srcDir: string, dir: string, inputs: ListingInputs): Tool[] | null {
  if (!fs.existsSync(dir)) return null;
  try {
    const files = manifestFiles(dir);
    if (files === null) return null;
    const file = path.join(dir, `${listingKey(codeFingerprint(srcDir, files), inputs)}.json`);
    const { tools } = JSON.parse(fs.readFileSync(file, "utf8")) as { tools?: unknown };
    return Array.isArray(tools) ? (tools as Tool[]) : null;
  } catch {
    return null;
  }
}
