import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ANSWER_MAX_BYTES } from "../domain/limits.js";
import type { Role } from "../domain/roles.js";
import { getTask } from "../service/tasks.js";
import type { ServiceContext } from "../service/context.js";
import { CANONICAL_ARTIFACTS } from "../service/grace-import.js";
import { readLatestArtifact, readPackage, readProject } from "../service/reads.js";
import { getSession } from "../service/mimo-sessions.js";
import { readProjectActive, readReview, readSubmission } from "../service/record-reads.js";
import { packageSummary, taskSummary } from "../service/summaries.js";
import { ALL_ROLES, STAFF } from "./registry.js";

interface ResourceDef {
  name: string;
  template: string;
  title: string;
  mimeType: string;
  roles: readonly Role[];
  read(svc: ServiceContext, id: number): unknown;
}

const JSON_RESOURCES: ResourceDef[] = [
  {
    name: "project",
    template: "orchestrator://project/{id}",
    title: "Project",
    mimeType: "application/json",
    roles: STAFF,
    read: readProject,
  },
  {
    name: "project-active",
    template: "orchestrator://project/{id}/active",
    title: "Project status snapshot",
    mimeType: "application/json",
    roles: STAFF,
    read: readProjectActive,
  },
  {
    name: "task",
    template: "orchestrator://task/{id}",
    title: "Task",
    mimeType: "application/json",
    roles: STAFF,
    read: getTask,
  },
  {
    name: "workpackage",
    template: "orchestrator://workpackage/{id}",
    title: "Work package",
    mimeType: "application/json",
    roles: STAFF,
    read: readPackage,
  },
  {
    name: "submission",
    template: "orchestrator://submission/{id}",
    title: "Submission (diff summarised)",
    mimeType: "application/json",
    roles: ALL_ROLES,
    read: readSubmission,
  },
  {
    name: "review",
    template: "orchestrator://review/{id}",
    title: "Review",
    mimeType: "application/json",
    roles: ALL_ROLES,
    read: readReview,
  },
  {
    name: "mimo-session",
    template: "orchestrator://mimo-session/{id}",
    title: "Mimo session",
    mimeType: "application/json",
    roles: STAFF,
    read: getSession,
  },
];

const SUMMARY_RESOURCES: ResourceDef[] = [
  {
    name: "task-summary",
    template: "orchestrator://task/{id}/summary",
    title: "Task summary",
    mimeType: "application/json",
    roles: ALL_ROLES,
    read: taskSummary,
  },
  {
    name: "workpackage-summary",
    template: "orchestrator://workpackage/{id}/summary",
    title: "Work package summary",
    mimeType: "application/json",
    roles: ALL_ROLES,
    read: packageSummary,
  },
];

const ARTIFACT_RESOURCES: ResourceDef[] = Object.keys(CANONICAL_ARTIFACTS).map((type) => ({
  name: `grace-${type}`,
  template: `grace://project/{id}/${type.replace(/_/g, "-")}.xml`,
  title: `Latest ${type} artifact`,
  mimeType: "application/xml",
  roles: STAFF,
  read: (svc, id) => readLatestArtifact(svc, id, type),
}));

/** Read-only views; clients that ignore resources find the same data through tools. */
export function registerResources(server: McpServer, svc: ServiceContext): void {
  for (const def of [...JSON_RESOURCES, ...SUMMARY_RESOURCES, ...ARTIFACT_RESOURCES]) {
    if (!def.roles.includes(svc.actor.primaryRole)) continue;
    server.registerResource(
      def.name,
      new ResourceTemplate(def.template, { list: undefined }),
      { title: def.title, mimeType: def.mimeType },
      (uri, variables) => {
        const id = Number(variables.id);
        if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`Invalid id in ${uri.href}`);
        const value = def.read(svc, id);
        const text = typeof value === "string" ? value : JSON.stringify(value);
        return { contents: [{ uri: uri.href, mimeType: def.mimeType, text: bounded(uri.href, text) }] };
      },
    );
  }
}

/**
 * A resource is held to the same bound as a tool answer: one that would be larger is refused with
 * its size and where to read the same data in parts, so no read can close the client's connection.
 */
function bounded(uri: string, text: string): string {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= ANSWER_MAX_BYTES) return text;
  throw new Error(
    `The resource ${uri} would be ${bytes} bytes, over its bound of ${ANSWER_MAX_BYTES} bytes. ` +
      "Read the same data in parts through the tools (task.get_summary per task, " +
      "workpackage.get_summary per package, audit.list_page), or the file on disk for an artifact.",
  );
}
