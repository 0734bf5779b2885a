import { z } from "zod";
import { upsertArtifact } from "../service/artifacts.js";
import { registerVerificationPlan } from "../service/verification.js";
import { STAFF, defineTool } from "./registry.js";
import { args, jsonArg, name, projectId, requiredText, stringList, taskId } from "./schemas.js";

export const graceTools = [
  defineTool({
    name: "verification.register_plan",
    title: "Register the verification plan",
    description: "GLM: records a verification plan revision for the task and moves it to GLM_TESTS_PREPARED.",
    roles: STAFF,
    readOnly: false,
    input: args({
      task_id: taskId,
      test_strategy: requiredText,
      test_commands: z.array(name).max(100).describe("Keys of allowed_test_commands"),
      risk_coverage: stringList.optional().describe("Which test covers which risk"),
      acceptance_mapping: jsonArg("acceptance_mapping").optional().describe("Criterion → proving tests"),
    }),
    handler: (svc, a) => registerVerificationPlan(svc, a),
  }),
  defineTool({
    name: "grace.upsert_artifact",
    title: "Store a GRACE artifact revision",
    description: "GLM: stores a new revision of one of the task's GRACE artifacts.",
    roles: STAFF,
    readOnly: false,
    input: args({
      project_id: projectId,
      task_id: taskId,
      artifact_type: name.describe(
        "requirements, technology, development_plan, verification_plan, knowledge_graph or operational_packets",
      ),
      content: z
        .string()
        .max(512 * 1024)
        .describe("Full text (XML)"),
      path: z.string().trim().min(1).max(4_000).describe("Repo-relative, e.g. docs/requirements.xml"),
    }),
    handler: (svc, a) => upsertArtifact(svc, a),
  }),
];
