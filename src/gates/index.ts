/** Public surface of the pure gates; services and hooks import from here. */
export * from "./result.js";
export type { RepoReader } from "./repo-reader.js";
export { FsRepoReader, IGNORED_DIRS } from "./fs-repo-reader.js";
export * from "./policy.js";
export {
  PACKET_LABEL_SPECS,
  WORKER_REPORT_LABEL_SPECS,
  DEFAULT_PACKET_FIELDS,
  DEFAULT_WORKER_REPORT_FIELDS,
  EMPTY_FIELD_REQUIREMENT,
  acceptedKeys,
  canonicalKey,
  isPresent,
  lookupField,
  type LabelSpec,
  type FieldLookup,
} from "./labels.js";
export { validateContractDiscoveryReport } from "./discovery-report.js";
export * from "./execution-packet.js";
export * from "./worker-report.js";
export * from "./contract-discovery.js";
export * from "./agent-infra-lint.js";
export * from "./acceptance-review.js";
export {
  ARTIFACT_PATHS,
  ARTIFACT_ROOTS,
  MODULE_ID,
  VERIFICATION_ID,
  readGraceModel,
  type GraceModel,
  type SharedModule,
  type VerificationEntry,
} from "./grace-artifacts.js";
export { scanMarkup, hasCodeExtension, type FileMarkup } from "./markers.js";
