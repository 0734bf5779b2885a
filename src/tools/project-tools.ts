import { z } from "zod";
import { registerAgent, setAvailability } from "../service/agents.js";
import { initProject, setTestCommands } from "../service/projects.js";
import { CODEX_ONLY, defineTool } from "./registry.js";
import { AVAILABILITIES, ROLES } from "../domain/roles.js";
import { agentName, args, name, oneOf, projectId, testCommands } from "./schemas.js";

const optionalText = z.string().max(200).nullable().optional();
const commands = testCommands.describe(
  'key → argv (or {argv, env}), run without a shell, e.g. {"unit": ["npm", "test"]}',
);
const availability = oneOf(AVAILABILITIES).describe("An unavailable agent's roles may be delegated");

export const projectTools = [
  defineTool({
    name: "project.init",
    title: "Register a project",
    description:
      "Codex: registers a git repository as a project (the same repo and name again returns it) with its allowlisted test commands; you become its agent. Returns the project.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      name,
      repo_path: z.string().trim().min(1).max(4_000).describe("Absolute path"),
      grace_path: z.string().trim().min(1).max(4_000).describe("GRACE docs folder in the repo, e.g. docs"),
      main_branch: name,
      allowed_test_commands: commands.optional(),
    }),
    handler: (svc, a) => initProject(svc, a),
  }),
  defineTool({
    name: "project.set_test_commands",
    title: "Replace the test-command allowlist",
    description:
      "Codex: replaces the test commands repo.run_tests may run (by key, with a minimal environment plus the names each declares).",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ project_id: projectId, allowed_test_commands: commands }),
    handler: (svc, a) => setTestCommands(svc, a.project_id, a.allowed_test_commands),
  }),
  defineTool({
    name: "agent.register",
    title: "Register or update an agent",
    description:
      "Codex: registers (or overwrites) a project agent: the roles its server may run as; a server whose name and role are not registered or delegated is refused. name, mimo_agent, mimo_model: letters, digits, . _ - (model also : @ + /), not starting with -.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      project_id: projectId,
      name: name.describe("Its GRACE_ORCHESTRATOR_ACTOR_NAME"),
      primary_role: oneOf(ROLES),
      capabilities: z.array(oneOf(ROLES)).max(6).describe("Other roles it may be delegated"),
      availability: availability.optional(),
      mimo_model: optionalText.describe("Worker's Mimo model, provider/model"),
      mimo_agent: optionalText.describe("Worker's MiMoCode agent"),
      runtime: optionalText.describe("codex, antigravity, mimo_tui or external"),
      provider: optionalText,
      model: optionalText,
      reasoning_profile: optionalText,
    }),
    handler: (svc, a) => registerAgent(svc, a),
  }),
  defineTool({
    name: "agent.set_availability",
    title: "Mark an agent available or unavailable",
    description: "Codex: marks a registered agent available or unavailable.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ project_id: projectId, name: agentName, availability }),
    handler: (svc, a) => setAvailability(svc, a.project_id, a.name, a.availability),
  }),
];
