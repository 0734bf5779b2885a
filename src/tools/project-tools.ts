import { z } from "zod";
import { registerAgent, setAvailability } from "../service/agents.js";
import { initProject, setTestCommands } from "../service/projects.js";
import { CODEX_ONLY, defineTool } from "./registry.js";
import { AVAILABILITIES, ROLES } from "../domain/roles.js";
import { agentName, args, name, oneOf, projectId, testCommands } from "./schemas.js";

const optionalText = z.string().max(200).nullable().optional();
const commands = testCommands.describe(
  'Allowlisted test commands: key → argv array, run without a shell, e.g. {"unit": ["npm", "test"]}',
);
const availability = oneOf(AVAILABILITIES).describe(
  "available, or unavailable (its roles may then be delegated)",
);

export const projectTools = [
  defineTool({
    name: "project.init",
    title: "Register a project",
    description:
      "Registers a product repository (absolute repo_path, grace_path inside it, main branch) and the allowlisted test commands (key → argv, or key → {argv, env: [variable names the command needs]}, run without a shell and with only the default child environment plus the declared names). The caller becomes an agent of the project.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      name: name.describe("Project name"),
      repo_path: z.string().trim().min(1).max(4_000).describe("Absolute path of the git repository"),
      grace_path: z
        .string()
        .trim()
        .min(1)
        .max(4_000)
        .describe("Folder of the GRACE docs, relative to repo_path (e.g. docs)"),
      main_branch: name.describe("Main branch name (e.g. main)"),
      allowed_test_commands: commands.optional(),
    }),
    handler: (svc, a) => initProject(svc, a),
  }),
  defineTool({
    name: "project.set_test_commands",
    title: "Replace the test-command allowlist",
    description:
      "Replaces the project's allowlisted test commands (key → argv, or key → {argv, env: [variable names]}). Only these keys can be run by repo.run_tests, with only the default child environment plus the names a command declares (never this server's GRACE_ORCHESTRATOR_* settings).",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ project_id: projectId, allowed_test_commands: commands }),
    handler: (svc, a) => setTestCommands(svc, a.project_id, a.allowed_test_commands),
  }),
  defineTool({
    name: "agent.register",
    title: "Register or update an agent",
    description:
      "Registers an agent of the project by name with its primary role, capabilities (the roles its server may be started with, and may be delegated), availability and optional Mimo backend model / MiMoCode agent. A server started with a role its name is not registered (or delegated) for is refused on every call. Names, mimo_agent and mimo_model go onto Mimo's command line: letters, digits, '.', '_', '-' (the model also ':', '@', '+', '/'), starting with a letter or digit; anything else, such as a value starting with '-', is refused. Re-registering a name overwrites it.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      project_id: projectId,
      name: name.describe("Agent name; the GRACE_ORCHESTRATOR_ACTOR_NAME its server runs with"),
      primary_role: oneOf(ROLES).describe("The agent's own role"),
      capabilities: z
        .array(oneOf(ROLES))
        .max(6)
        .describe("Roles it may also be delegated (the primary role is implied); [] for none"),
      availability: availability.optional(),
      mimo_model: optionalText.describe("Mimo backend model as provider/model, for workers"),
      mimo_agent: optionalText.describe("MiMoCode agent name the worker's TUI runs"),
      runtime: optionalText.describe("Runtime it runs in: codex, antigravity, mimo_tui or external"),
      provider: optionalText.describe("Model provider, informational"),
      model: optionalText.describe("Model name, informational"),
      reasoning_profile: optionalText.describe("Reasoning profile, informational"),
    }),
    handler: (svc, a) => registerAgent(svc, a),
  }),
  defineTool({
    name: "agent.set_availability",
    title: "Mark an agent available or unavailable",
    description: "Sets a registered agent's availability ('available' or 'unavailable').",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ project_id: projectId, name: agentName, availability }),
    handler: (svc, a) => setAvailability(svc, a.project_id, a.name, a.availability),
  }),
];
