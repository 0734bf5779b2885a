import { z } from "zod";
import { registerAgent, setAvailability } from "../service/agents.js";
import { initProject, setTestCommands } from "../service/projects.js";
import { CODEX_ONLY, defineTool } from "./registry.js";
import { args, id, name, testCommands } from "./schemas.js";

const optionalText = z.string().max(200).nullable().optional();

export const projectTools = [
  defineTool({
    name: "project.init",
    title: "Register a project",
    description:
      "Registers a product repository (absolute repo_path, grace_path inside it, main branch) and the allowlisted test commands (key → argv, or key → {argv, env: [variable names the command needs]}, run without a shell and with only the default child environment plus the declared names). The caller becomes an agent of the project.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      name,
      repo_path: z.string().trim().min(1).max(4_000),
      grace_path: z.string().trim().min(1).max(4_000),
      main_branch: name,
      allowed_test_commands: testCommands.optional(),
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
    input: args({ project_id: id, allowed_test_commands: testCommands }),
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
      project_id: id,
      name,
      primary_role: name,
      capabilities: z.array(name).max(6),
      availability: z.string().max(20).optional(),
      mimo_model: optionalText,
      mimo_agent: optionalText,
      runtime: optionalText,
      provider: optionalText,
      model: optionalText,
      reasoning_profile: optionalText,
    }),
    handler: (svc, a) => registerAgent(svc, a),
  }),
  defineTool({
    name: "agent.set_availability",
    title: "Mark an agent available or unavailable",
    description: "Sets a registered agent's availability ('available' or 'unavailable').",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ project_id: id, name, availability: z.string().max(20) }),
    handler: (svc, a) => setAvailability(svc, a.project_id, a.name, a.availability),
  }),
];
