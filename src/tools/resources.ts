import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ANSWER_MAX_BYTES } from "../domain/limits.js";
import type { Role } from "../domain/roles.js";
import { CANONICAL_ARTIFACTS } from "../service/canonical-artifacts.js";
import type { ServiceContext } from "../service/context.js";
import { ALL_ROLES, STAFF } from "./registry.js";

type Reads = typeof import("./resource-reads.js");

interface ResourceDef {
  name: string;
  template: string;
  title: string;
  mimeType: string;
  roles: readonly Role[];
  read(reads: Reads, svc: ServiceContext, id: number): unknown;
}

const JSON_RESOURCES: ResourceDef[] = [
  {
    name: "project",
    template: "orchestrator://project/{id}",
    title: "Project",
    mimeType: "application/json",
    roles: STAFF,
    read: (r, svc, id) => r.readProject(svc, id),
  },
  {
    name: "project-active",
    template: "orchestrator://project/{id}/active",
    title: "Project status snapshot",
    mimeType: "application/json",
    roles: STAFF,
    read: (r, svc, id) => r.readProjectActive(svc, id),
  },
  {
    name: "task",
    template: "orchestrator://task/{id}",
    title: "Task",
    mimeType: "application/json",
    roles: STAFF,
    read: (r, svc, id) => r.getTask(svc, id),
  },
  {
    name: "workpackage",
    template: "orchestrator://workpackage/{id}",
    title: "Work package",
    mimeType: "application/json",
    roles: STAFF,
    read: (r, svc, id) => r.readPackage(svc, id),
  },
  {
    name: "submission",
    template: "orchestrator://submission/{id}",
    title: "Submission (diff summarised)",
    mimeType: "application/json",
    roles: ALL_ROLES,
    read: (r, svc, id) => r.readSubmission(svc, id),
  },
  {
    name: "review",
    template: "orchestrator://review/{id}",
    title: "Review",
    mimeType: "application/json",
    roles: ALL_ROLES,
    read: (r, svc, id) => r.readReview(svc, id),
  },
  {
    name: "mimo-session",
    template: "orchestrator://mimo-session/{id}",
    title: "Mimo session",
    mimeType: "application/json",
    roles: STAFF,
    read: (r, svc, id) => r.getSession(svc, id),
  },
];

const SUMMARY_RESOURCES: ResourceDef[] = [
  {
    name: "task-summary",
    template: "orchestrator://task/{id}/summary",
    title: "Task summary",
    mimeType: "application/json",
    roles: ALL_ROLES,
    read: (r, svc, id) => r.taskSummary(svc, id),
  },
  {
    name: "workpackage-summary",
    template: "orchestrator://workpackage/{id}/summary",
    title: "Work package summary",
    mimeType: "application/json",
    roles: ALL_ROLES,
    read: (r, svc, id) => r.packageSummary(svc, id),
  },
];

const ARTIFACT_RESOURCES: ResourceDef[] = Object.keys(CANONICAL_ARTIFACTS).map((type) => ({
  name: `grace-${type}`,
  template: `grace://project/{id}/${type.replace(/_/g, "-")}.xml`,
  title: `Latest ${type} artifact`,
  mimeType: "application/xml",
  roles: STAFF,
  read: (r, svc, id) => r.readLatestArtifact(svc, id, type),
}));

/** Read-only views; clients that ignore resources find the same data through tools. */
export function registerResources(server: McpServer, svc: ServiceContext): void {
  let reads: Promise<Reads> | null = null;
  for (const def of [...JSON_RESOURCES, ...SUMMARY_RESOURCES, ...ARTIFACT_RESOURCES]) {
    if (!def.roles.includes(svc.actor.primaryRole)) continue;
    server.registerResource(
      def.name,
      new ResourceTemplate(def.template, { list: undefined }),
      { title: def.title, mimeType: def.mimeType },
      async (uri, variables) => {
        const id = Number(variables.id);
        if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`Invalid id in ${uri.href}`);
        const value = def.read(await (reads ??= import("./resource-reads.js")), svc, id);
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
