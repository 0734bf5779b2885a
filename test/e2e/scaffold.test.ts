/**
 * `grace-orchestrator-mcp scaffold`: a plain git repository gets the six GRACE artifacts and can
 * then take a work package over MCP; existing files are never overwritten; wrong targets exit 2.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { ARTIFACT_PATHS } from "../../src/gates/grace-artifacts.js";
import { commitAll, initRepo, tempDir, writeFile } from "../helpers/git-repo.js";
import { createPackage, mcpCaller, planTask } from "../helpers/git-repo-lifecycle.js";
import { REPO_ROOT } from "../helpers/mcp-client.js";

const BIN = path.join(REPO_ROOT, "dist", "src", "cli", "bin", "grace-orchestrator-mcp.js");
const scaffold = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, "scaffold", ...args], { encoding: "utf8", timeout: 30_000 });

/** A repository as a newcomer has it: code in top-level folders, no GRACE files. */
function plainRepo(): string {
  const repo = initRepo();
  writeFile(repo, "src/orderdesk/store.ts", "export const store = 1;\n");
  writeFile(repo, "src/config/settings.ts", "export const settings = {};\n");
  writeFile(repo, "lib/util.ts", "export const util = 1;\n");
  writeFile(repo, "tests/store.test.ts", "// tests\n");
  writeFile(repo, "package.json", JSON.stringify({ name: "orderdesk", scripts: { test: "vitest run" } }));
  return repo;
}

describe("scaffold", () => {
  test("a plain repository: the six artifacts, one module per source folder, then workpackage.create passes over MCP", async () => {
    const repo = plainRepo();
    const before = commitAll(repo, "plain");
    const dataDir = tempDir("scaffold-data-");
    const caller = await mcpCaller(dataDir);
    try {
      // Without the artifacts the package is refused, naming the missing file.
      const bare = await planTask(caller.call, repo);
      await expect(createPackage(caller.call, bare.taskId, before)).rejects.toThrow(
        "Required file is missing: docs/requirements.xml",
      );

      const r = scaffold(repo);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("modules: M-LIB (lib/), M-SRC (src/)");
      for (const file of Object.values(ARTIFACT_PATHS))
        expect(fs.existsSync(path.join(repo, file))).toBe(true);
      const base = commitAll(repo, "GRACE artifacts");

      const planned = await planTask(caller.call, repo);
      const pkg = await createPackage(caller.call, planned.taskId, base);
      expect(pkg).toMatchObject({ status: expect.any(String) as string });
      const task = await caller.call("codex", "task.get", { task_id: planned.taskId });
      expect(JSON.stringify(task)).toContain("M-SRC");
    } finally {
      await caller.close();
    }
  });

  test("never overwrites: an existing artifact is kept byte for byte and reported", () => {
    const repo = plainRepo();
    writeFile(repo, "docs/requirements.xml", "<RequirementsAnalysis>ours</RequirementsAnalysis>\n");
    const r = scaffold(repo);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("kept  docs/requirements.xml (exists; not overwritten)");
    expect(fs.readFileSync(path.join(repo, "docs/requirements.xml"), "utf8")).toBe(
      "<RequirementsAnalysis>ours</RequirementsAnalysis>\n",
    );
    const again = scaffold(repo);
    expect(again.stdout.match(/kept /g)).toHaveLength(6);
  });

  test("not a repository, or one without a source folder: exit 2 with the reason, nothing written", () => {
    const dir = tempDir("scaffold-norepo-");
    const r = scaffold(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Not the top of a git repository");
    const empty = initRepo();
    const e = scaffold(empty);
    expect(e.status).toBe(2);
    expect(e.stderr).toContain("No top-level source folder");
    expect(fs.existsSync(path.join(empty, "docs"))).toBe(false);
  });
});
