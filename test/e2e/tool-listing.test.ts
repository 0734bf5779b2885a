import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, test } from "vitest";
import { computedListing, defaultListingInputs } from "../../src/tools/listing-build.js";
import {
  builtListing,
  codeFingerprint,
  listingKey,
  type ListingInputs,
} from "../../src/tools/listing-cache.js";
import { REPO_ROOT, tempDir } from "../helpers/mcp-client.js";

const DIST_SRC = path.join(REPO_ROOT, "dist", "src");
const DIST_LISTING = path.join(REPO_ROOT, "dist", "tool-listing");
const ALL_INPUTS = defaultListingInputs();
const CODEX_DOTTED = ALL_INPUTS.find((i) => i.role === "codex" && i.naming === "dotted")!;

/** Starts the server of the build under `root` as `role` and returns what tools/list answers. */
async function served(root: string, inputs: ListingInputs, env: Record<string, string> = {}) {
  const dataDir = tempDir("listing-data");
  made.push(dataDir);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(root, "dist", "src", "cli", "server.js")],
    env: {
      PATH: process.env.PATH ?? "",
      GRACE_ORCHESTRATOR_DATA_DIR: dataDir,
      GRACE_ORCHESTRATOR_ACTOR_NAME: `${inputs.role}-listing`,
      GRACE_ORCHESTRATOR_ACTOR_ROLE: inputs.role,
      GRACE_ORCHESTRATOR_TOOL_NAMES: inputs.naming,
      GRACE_ORCHESTRATOR_TOOL_LIST: "role",
      GRACE_LOG_LEVEL: "warn",
      ...env,
    },
  });
  const client = new Client({ name: "listing-test", version: "0" });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
  }
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the built server (its compiled modules and listings) that a test may alter. */
function copyOfBuild(): string {
  const root = tempDir("listing-build");
  made.push(root);
  for (const part of ["src", "native-bindings", "tool-listing"]) {
    fs.cpSync(path.join(REPO_ROOT, "dist", part), path.join(root, "dist", part), { recursive: true });
  }
  fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(root, "package.json"));
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
  return root;
}

function listingFileOf(root: string, inputs: ListingInputs): string {
  const dir = path.join(root, "dist", "tool-listing");
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as {
    files: string[];
  };
  const key = listingKey(codeFingerprint(path.join(root, "dist", "src"), manifest.files), inputs);
  return path.join(dir, `${key}.json`);
}

const marked = (tools: readonly Tool[]): Tool[] =>
  tools.map((t) => ({ ...t, description: `MARKED ${t.description ?? ""}` }));

describe("tools/list built once per build", () => {
  test("the build holds a listing for every role and naming, equal to the one the tool definitions give", () => {
    expect(ALL_INPUTS).toHaveLength(12);
    for (const inputs of ALL_INPUTS) {
      const built = builtListing(DIST_SRC, DIST_LISTING, inputs);
      expect(built, `${inputs.role} ${inputs.naming}`).not.toBeNull();
      expect(built).toEqual(computedListing(inputs));
    }
  });

  test("the built server serves, for every role and naming, the listing the tool definitions give", async () => {
    for (const inputs of ALL_INPUTS) {
      expect(await served(REPO_ROOT, inputs), `${inputs.role} ${inputs.naming}`).toEqual(
        computedListing(inputs),
      );
    }
  }, 120_000);

  test("a server serves the built listing under its key, and computes its own once any module changed", async () => {
    const root = copyOfBuild();
    const file = listingFileOf(root, CODEX_DOTTED);
    fs.writeFileSync(file, JSON.stringify({ tools: marked(computedListing(CODEX_DOTTED)) }));
    // Served from the file: the marked descriptions come back.
    expect((await served(root, CODEX_DOTTED))[0]?.description).toMatch(/^MARKED /);
    // One compiled module changed (a comment suffices): the key no longer matches.
    fs.appendFileSync(path.join(root, "dist", "src", "tools", "task-tools.js"), "\n// changed\n");
    expect(await served(root, CODEX_DOTTED)).toEqual(computedListing(CODEX_DOTTED));
  }, 60_000);

  test("a setting the descriptions quote, other than the build's, makes the server compute its listing", async () => {
    const root = copyOfBuild();
    fs.writeFileSync(
      listingFileOf(root, CODEX_DOTTED),
      JSON.stringify({ tools: marked(computedListing(CODEX_DOTTED)) }),
    );
    const three = { ...CODEX_DOTTED, workerEventsPerMinute: 3 };
    const tools = await served(root, three, { GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE: "3" });
    expect(tools).toEqual(computedListing(three));
    // The setting is quoted: its listing is not the build's (which the marked file stands for).
    expect(computedListing(three)).not.toEqual(computedListing(CODEX_DOTTED));
  }, 60_000);

  test("no manifest, or a module it names gone: no built listing", () => {
    const root = copyOfBuild();
    const src = path.join(root, "dist", "src");
    const dir = path.join(root, "dist", "tool-listing");
    expect(builtListing(src, dir, CODEX_DOTTED)).toEqual(computedListing(CODEX_DOTTED));
    fs.rmSync(path.join(src, "tools", "task-tools.js"));
    expect(builtListing(src, dir, CODEX_DOTTED)).toBeNull();
    fs.rmSync(path.join(dir, "manifest.json"));
    expect(builtListing(src, dir, CODEX_DOTTED)).toBeNull();
  });
});
