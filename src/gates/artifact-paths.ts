/** Where a GRACE 3 repo keeps its shared artifacts. */
export const ARTIFACT_PATHS = {
  requirements: "docs/requirements.xml",
  technology: "docs/technology.xml",
  developmentPlan: "docs/development-plan.xml",
  verificationPlan: "docs/verification-plan.xml",
  knowledgeGraph: "docs/knowledge-graph.xml",
  operationalPackets: "docs/operational-packets.xml",
} as const;
