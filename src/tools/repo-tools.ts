import { z } from "zod";
import { DIFF_PAGE_DEFAULT_BYTES, DIFF_PAGE_MAX_BYTES } from "../domain/limits.js";
import { getRepoDiff, getRepoStatus, runTests } from "../service/repo.js";
import { STAFF, defineTool } from "./registry.js";
import { WORKER_CAPABLE } from "./package-tools.js";
import { args, id, name, packageId, projectId, stringList, taskId } from "./schemas.js";

export const repoTools = [
  defineTool({
    name: "repo.status",
    title: "Repository status",
    description:
      "git status of the project repository: the branch line and the changed paths (porcelain v1).",
    roles: STAFF,
    readOnly: true,
    input: args({ project_id: projectId }),
    handler: (svc, a) => getRepoStatus(svc, a.project_id),
  }),
  defineTool({
    name: "repo.diff",
    title: "Repository diff",
    description: `One page of a diff: the project repository's working tree (scope all (default), staged, or file_list with file_list paths confined to the repo), or a stored submission's diff (submission_id). Pages are byte ranges: offset (default 0) and limit (default ${DIFF_PAGE_DEFAULT_BYTES}, at most ${DIFF_PAGE_MAX_BYTES}); total_bytes is the whole size; continue with offset = next_offset while has_more.`,
    roles: STAFF,
    readOnly: true,
    input: args({
      project_id: projectId,
      scope: z
        .enum(["all", "staged", "file_list"])
        .optional()
        .describe("Working-tree diff: all changes, staged ones, or the files in file_list"),
      file_list: stringList.optional().describe("Repo-relative paths, for scope file_list"),
      submission_id: id.optional().describe("A submission's stored diff instead (ids from task.get)"),
      offset: z
        .number()
        .int()
        .min(0)
        .max(Number.MAX_SAFE_INTEGER)
        .optional()
        .describe("Byte offset of the page: next_offset of the previous page"),
      limit: z.number().int().min(1).max(DIFF_PAGE_MAX_BYTES).optional().describe("Page size in bytes"),
    }),
    handler: (svc, a) => getRepoDiff(svc, a),
  }),
  defineTool({
    name: "repo.run_tests",
    title: "Run an allowlisted test command",
    description:
      "Runs the project's allowlisted argv for command_key (never shell text) in the repo or the package's live worktree; records a test run with its own stdout/stderr logs. Workers must give their work_package_id.",
    roles: WORKER_CAPABLE,
    readOnly: false,
    input: args({
      project_id: projectId,
      task_id: taskId,
      work_package_id: packageId.nullable().describe("Your package (workers must give it); null for none"),
      command_key: name.describe("A key of the project's allowed_test_commands"),
    }),
    handler: (svc, a) => runTests(svc, a),
  }),
];
