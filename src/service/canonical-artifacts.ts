import { ARTIFACT_PATHS } from "../gates/artifact-paths.js";

/** The six canonical GRACE artifact types and where a GRACE 3 repo keeps them. */
export const CANONICAL_ARTIFACTS: Readonly<Record<string, string>> = {
  requirements: ARTIFACT_PATHS.requirements,
  technology: ARTIFACT_PATHS.technology,
  development_plan: ARTIFACT_PATHS.developmentPlan,
  verification_plan: ARTIFACT_PATHS.verificationPlan,
  knowledge_graph: ARTIFACT_PATHS.knowledgeGraph,
  operational_packets: ARTIFACT_PATHS.operationalPackets,
};
