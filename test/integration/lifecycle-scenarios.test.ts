import { defineLifecycleScenarios } from "../helpers/git-repo-lifecycle-scenarios.js";
import { inProcessCaller } from "../helpers/git-repo-lifecycle.js";

defineLifecycleScenarios("through the tool handlers", (dataDir) => Promise.resolve(inProcessCaller(dataDir)));
