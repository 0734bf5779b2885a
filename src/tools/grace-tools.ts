import { z } from "zod";
import { upsertArtifact } from "../service/artifacts.js";
import { registerVerificationPlan } from "../service/verification.js";
import { STAFF, defineTool } from "./registry.js";
import { args, id, jsonArg, name, requiredText, stringList } from "./schemas.js";

export const graceTools = [
  defineTool({
    name: "verification.register_plan",
    title: "Register the verification plan",
    description:
      "GLM: records a verification plan revision (strategy, allowlisted test command keys, risk coverage, acceptance mapping) and moves the task to GLM_TESTS_PREPARED.",
    roles: STAFF,
    readOnly: false,
    input: args({
      task_id: id,
      test_strategy: requiredText,
      test_commands: z.array(name).max(100),
      risk_coverage: stringList.optional(),
      acceptance_mapping: jsonArg("acceptance_mapping").optional(),
    }),
    handler: (svc, a) => registerVerificationPlan(svc, a),
  }),
  defineTool({
    name: "grace.upsert_artifact",
    title: "Store a GRACE artifact revision",
    description:
      "GLM: appends a revision of a GRACE artifact (requirements, technology, development_plan, verification_plan, knowledge_graph, operational_packets) for the task. path is repo-relative and must stay inside the repo.",
    roles: STAFF,
    readOnly: false,
    input: args({
      project_id: id,
      task_id: id,
      artifact_type: name,
      content: z.string().max(512 * 1024),
      path: z.string().trim().min(1).max(4_000),
    }),
    handler: (svc, a) => upsertArtifact(svc, a),
  }),
];
