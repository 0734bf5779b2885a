import { z } from "zod";
import { getRepoDiff, getRepoStatus, runTests } from "../service/repo.js";
import { STAFF, defineTool } from "./registry.js";
import { WORKER_CAPABLE } from "./package-tools.js";
import { args, id, name, stringList } from "./schemas.js";

export const repoTools = [
  defineTool({
    name: "repo.status",
    title: "Repository status",
    description:
      "git status of the project repository: the branch line and the changed paths (porcelain v1).",
    roles: STAFF,
    readOnly: true,
    input: args({ project_id: id }),
    handler: (svc, a) => getRepoStatus(svc, a.project_id),
  }),
  defineTool({
    name: "repo.diff",
    title: "Repository diff",
    description:
      "Working-tree diff of the project repository: scope all (default), staged, or file_list with file_list paths (confined to the repo).",
    roles: STAFF,
    readOnly: true,
    input: args({
      project_id: id,
      scope: z.enum(["all", "staged", "file_list"]).optional(),
      file_list: stringList.optional(),
    }),
    handler: (svc, a) => getRepoDiff(svc, a.project_id, a.scope ?? "all", a.file_list ?? []),
  }),
  defineTool({
    name: "repo.run_tests",
    title: "Run an allowlisted test command",
    description:
      "Runs the project's allowlisted argv for command_key (never shell text) in the repo or the package's live worktree; records a test run with its own stdout/stderr logs. Workers must give their work_package_id.",
    roles: WORKER_CAPABLE,
    readOnly: false,
    input: args({ project_id: id, task_id: id, work_package_id: id.nullable(), command_key: name }),
    handler: (svc, a) => runTests(svc, a),
  }),
];
