/** Writes the GRACE 3 artifacts into a repository: finds its source folders, never overwrites a file. */
import fs from "node:fs";
import path from "node:path";
import { OrchestratorError } from "../domain/errors.js";
import { scaffoldArtifacts } from "./artifacts.js";

/** Top-level folders that hold no source of their own. */
const NOT_SOURCE = new Set([
  "docs",
  "doc",
  "node_modules",
  "dist",
  "build",
  "out",
  "target",
  "vendor",
  "coverage",
  "test",
  "tests",
  "__pycache__",
]);

export interface ScaffoldResult {
  repo: string;
  modules: string[];
  written: string[];
  /** Files that already existed and were left as they are. */
  kept: string[];
}

export function sourceFolders(repo: string): string[] {
  return fs
    .readdirSync(repo, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith(".") && !NOT_SOURCE.has(e.name.toLowerCase()))
    .map((e) => e.name)
    .sort();
}

function testCommand(repo: string): string | null {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    return pkg.scripts?.test ? "npm test" : null;
  } catch {
    return null;
  }
}

export function scaffoldRepo(repoArg: string): ScaffoldResult {
  const repo = path.resolve(repoArg);
  if (!fs.existsSync(path.join(repo, ".git"))) {
    throw new OrchestratorError(`Not the top of a git repository: ${repo} (no .git there)`);
  }
  const folders = sourceFolders(repo);
  if (folders.length === 0) {
    throw new OrchestratorError(
      `No top-level source folder in ${repo}: put the code in a folder (e.g. src/) first; each becomes one GRACE module.`,
    );
  }
  const artifacts = scaffoldArtifacts({
    projectName: path.basename(repo),
    folders,
    testCommand: testCommand(repo),
  });
  const result: ScaffoldResult = { repo, modules: folders, written: [], kept: [] };
  fs.mkdirSync(path.join(repo, "docs"), { recursive: true });
  for (const [rel, text] of artifacts) {
    try {
      // "wx": create only; an existing artifact is the team's and stays untouched.
      fs.writeFileSync(path.join(repo, rel), text, { flag: "wx" });
      result.written.push(rel);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      result.kept.push(rel);
    }
  }
  return result;
}
