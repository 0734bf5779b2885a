import { defineLifecycleScenarios } from "../helpers/git-repo-lifecycle-scenarios.js";
import { mcpCaller } from "../helpers/git-repo-lifecycle.js";

// Separate codex, glm, worker_junior and worker_pro server processes (the built server) on one data dir.
defineLifecycleScenarios("over MCP, one server process per identity", (dataDir) => mcpCaller(dataDir));
