import { afterEach, expect, test } from "vitest";
import { removeDir, tempDir } from "../helpers/git-repo.js";
import {
  commitFiles,
  createPackage,
  inProcessCaller,
  makeGraceRepo,
  planTask,
  submit,
  type Caller,
} from "../helpers/git-repo-lifecycle.js";

let caller: Caller | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await caller?.close();
  caller = null;
  dirs.splice(0).forEach(removeDir);
});

// The reviewer reads diff_summary first: a file git has to quote in its diff headers (a name
// outside ASCII), or one whose name holds " b/", must still be listed under its own name.
test("a submission's diff summary lists every changed file under its real name", async () => {
  const dataDir = tempDir("grace-diff-summary-");
  const { repo, base } = makeGraceRepo();
  dirs.push(dataDir, repo);
  caller = inProcessCaller(dataDir);
  const { taskId } = await planTask(caller.call, repo);
  const pkg = await createPackage(caller.call, taskId, base);
  await caller.call("junior", "workpackage.claim", { work_package_id: pkg.id });
  const files = ["src/orderdesk/caf\u00e9.ts", "src/orderdesk/x b/store.ts"];
  const head = commitFiles(repo, {
    [files[0]!]: "++ added line that starts like a header\n",
    [files[1]!]: "ok\n",
  });
  const submission = await submit(caller.call, "junior", taskId, pkg.id, head, files);
  expect(submission["files_changed"]).toEqual(files);
  expect(submission["diff_summary"]).toBe(
    [
      "--- COMPACT DIFF SUMMARY ---",
      `Files Changed (2): ${files.join(", ")}`,
      "Stats: +2 / -0 lines across 2 hunks.",
    ].join("\n"),
  );
});
