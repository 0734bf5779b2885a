/**
 * `grace-orchestrator-mcp demo` (npm run demo): one task end to end in a temp folder with the
 * shipped fake Mimo and fake controller, each step said in plain words, ending with the status view.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { packageRoot } from "../config/node-guard.js";
import { blockAndContinue, finish, plan, work } from "../demo/script.js";
import { makeWorld } from "../demo/world.js";

const USAGE = `Usage: grace-orchestrator-mcp demo [--keep] [--help]

Plays one task end to end in a temporary folder: Codex registers a scaffolded repository and a
task, GLM plans and cuts a work package, a (fake) Mimo worker claims, commits, blocks once (the
waiting Codex wakes across processes and holds the event, so the host supervisor launches nothing),
asks again while no Codex waits (the supervisor revives a fake controller), submits; GLM and Codex
accept; the task closes; then grace-status shows the result. --keep leaves the folder behind.`;

export async function main(args: string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = args.filter((a) => a !== "--keep");
  if (unknown.length > 0) {
    process.stderr.write(`Unknown option ${unknown[0]}\n${USAGE}\n`);
    return 2;
  }
  const install = packageRoot(import.meta.url);
  if (!install || !fs.existsSync(path.join(install, "scripts", "demo", "fake-mimo.mjs"))) {
    process.stderr.write("The demo runs from a checkout (scripts/demo/ is missing).\n");
    return 2;
  }
  let step = 0;
  const say = (text: string) => process.stdout.write(`${String(++step).padStart(2)}. ${text}\n`);
  const started = Date.now();
  const world = await makeWorld(install);
  say(
    `A temporary folder ${world.paths.root}: a git repository with src/, scaffolded for GRACE, and a data dir.`,
  );
  try {
    const planned = await plan(world, say);
    const worked = await work(world, planned, say);
    await blockAndContinue(world, planned, say);
    await finish(world, planned, worked, say);
  } catch (error) {
    process.stderr.write(`The demo stopped after step ${step}: ${(error as Error).message}\n`);
    process.stderr.write(`Its folder is kept for a look: ${world.paths.root}\n`);
    return 1;
  } finally {
    await world.close();
  }
  const status = path.join(install, "dist", "src", "cli", "bin", "grace-status.js");
  say(
    `Done in ${((Date.now() - started) / 1000).toFixed(1)} s. The status view (grace-status --data-dir ${world.paths.dataDir}):`,
  );
  process.stdout.write(
    `\n${execFileSync(process.execPath, [status, "--data-dir", world.paths.dataDir], { encoding: "utf8" })}`,
  );
  if (args.includes("--keep")) process.stdout.write(`\nKept ${world.paths.root}\n`);
  else fs.rmSync(world.paths.root, { recursive: true, force: true });
  return 0;
}
