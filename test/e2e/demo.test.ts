/** `npm run demo`: the whole story runs, says each step, ends with the status view, under 30 s. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { REPO_ROOT } from "../helpers/mcp-client.js";

test("npm run demo plays one task to TASK_CLOSED with the BLOCKED wake and a host continuation", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  // The test runs what the npm script runs, without npm's own start-up.
  expect(pkg.scripts.demo).toBe("node dist/src/cli/bin/grace-orchestrator-mcp.js demo");
  const started = Date.now();
  const r = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, "dist/src/cli/bin/grace-orchestrator-mcp.js"), "demo"],
    {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      timeout: 60_000,
    },
  );
  const seconds = (Date.now() - started) / 1000;
  expect(r.status, r.stderr).toBe(0);
  const steps = [
    "Codex registers the project",
    "GLM cuts work package",
    "GLM launches Mimo for junior-1",
    "junior-1 (inside Mimo, through its own server process) claims the package",
    "junior-1 commits",
    /reports WORKER_BLOCKED; Codex, blocked in handoff.wait_for_event in another process, wakes after \d+ ms \(status event\)/,
    /The host supervisor \(grace-host-continuation --once\) finds that event held by the waiting Codex \(cont_[0-9a-f]{16} ACKNOWLEDGED\) and launches no second controller/,
    "Codex resolves the event it holds with the keys its wait named (RESOLVED).",
    "junior-1 asks again while no Codex waits; the host supervisor launches the controller: cont_",
    "The (fake) Codex controller ran with its prompt file:",
    "acknowledges and resolves the continuation",
    "junior-1 submits",
    "GLM reviews the package: accepted",
    "Codex runs the final review: accepted",
    "Codex closes the task: TASK_CLOSED",
  ];
  let at = 0;
  for (const step of steps) {
    const rest = r.stdout.slice(at);
    const found = typeof step === "string" ? rest.indexOf(step) : rest.search(step);
    expect(found, `step not found in order: ${String(step)}\n${r.stdout}`).toBeGreaterThanOrEqual(0);
    at += found;
  }
  const view = r.stdout.slice(r.stdout.indexOf("GRACE Orchestrator Status Snapshot"));
  expect(view).toContain("Needs attention: nothing");
  // The supervisor ran once (twice): the view says it ran and is gone, not that none ever started.
  expect(view).toMatch(/Supervisor: NOT running \(pid \d+ gone, last beat /);
  expect(view).toContain("[TASK_CLOSED]");
  expect(view).toContain("[EXITED PID:");
  const folder = /A temporary folder (\S+):/.exec(r.stdout)![1]!;
  expect(fs.existsSync(folder)).toBe(false);
  expect(seconds).toBeLessThan(30);
});
