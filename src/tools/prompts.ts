import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { exposeToolNames } from "../domain/tool-names.js";
import type { Naming } from "./registry.js";

/** One short instruction per step of the workflow, in our words. */
const PROMPTS: Record<string, string> = {
  codex_create_task:
    "Write one immutable task: objective, architecture intent, non-goals, allowed and forbidden file patterns, acceptance criteria, risks, and what GLM must hand back. Treat requested states as requests, never as truth; read task.get.",
  glm_decompose_task:
    "Read the task. Record the GRACE artifacts and a verification plan before any implementation. Cut work packages whose scope is a subset of the task's. Report ambiguity as blocked; never rewrite the architecture intent.",
  worker_implement_package:
    "Implement only the assigned package inside its allowed files. Commit, then submit with the base and head commits; the server derives the diff. Stop and report WORKER_BLOCKED when an owner, verification or dependency is missing.",
  pro_repair_package:
    "Repair only the rejected package, following GLM's findings. No unrelated refactors. Submit a new commit; the server derives the diff from git.",
  mimo_connect_orchestrator:
    "Add the per-agent STDIO profile from mimo.connection_profile to Mimo. Call orchestrator.whoami first in every session and stop if it is not you. A connection grants no acceptance and no extra file permission.",
  glm_acceptance_review:
    "Review the task, the scope, the server-derived diff, the test records and the risks. Accept only evidence that matches; otherwise give concrete repair requirements.",
  codex_final_acceptance:
    "Review the task, the GRACE revisions, every package outcome, diffs, tests, GLM's report and residual risks. Final acceptance never precedes GLM acceptance of all packages.",
};

/** Registers the workflow prompts; they name tools as this server exposes them. */
export function registerPrompts(server: McpServer, naming: Naming): void {
  for (const [name, canonical] of Object.entries(PROMPTS)) {
    const text = exposeToolNames(canonical, naming.naming, naming.names);
    server.registerPrompt(name, { description: text.split(".")[0] }, () => ({
      messages: [{ role: "user", content: { type: "text", text } }],
    }));
  }
}
