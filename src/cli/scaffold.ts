/** `grace-orchestrator-mcp scaffold <repo>`: the six GRACE artifacts for an existing repository. */
import { parseArgs } from "node:util";
import { scaffoldRepo } from "../scaffold/scaffold.js";
import { moduleId } from "../scaffold/artifacts.js";

const USAGE = `Usage: grace-orchestrator-mcp scaffold REPO [--help]

Writes docs/requirements.xml, technology.xml, development-plan.xml, verification-plan.xml,
knowledge-graph.xml and operational-packets.xml into the git repository REPO: one module
(M-<FOLDER>) per top-level source folder, each with a verification entry (V-M-<FOLDER>), so
workpackage.create finds the contracts of any file under those folders. Never overwrites a file
that exists. Commit the result, then register the project (project.init).
Exit 0: done; 2: REPO is not the top of a git repository or has no source folder.`;

export function main(args: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { help: { type: "boolean", short: "h", default: false } },
      allowPositionals: true,
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    const r = scaffoldRepo(parsed.positionals[0]!);
    const lines = [
      `GRACE artifacts for ${r.repo}`,
      `  modules: ${r.modules.map((f) => `${moduleId(f)} (${f}/)`).join(", ")}`,
      ...r.written.map((f) => `  wrote ${f}`),
      ...r.kept.map((f) => `  kept  ${f} (exists; not overwritten)`),
      'Next: edit the purposes, commit docs/, then project.init with grace_path "docs".',
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
}
