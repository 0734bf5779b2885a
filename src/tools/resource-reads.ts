// What the resources read, loaded by the first resource read: a start needs none of it.
export { getTask } from "../service/tasks.js";
export { readLatestArtifact, readPackage, readProject } from "../service/reads.js";
export { getSession } from "../service/mimo-sessions.js";
export { readProjectActive, readReview, readSubmission } from "../service/record-reads.js";
export { packageSummary, taskSummary } from "../service/summaries.js";
