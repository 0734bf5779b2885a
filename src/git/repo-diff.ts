import { OrchestratorError, oneOf } from "../domain/errors.js";
import { confineRelative } from "./paths.js";
import { runGit } from "./runner.js";

export const DIFF_SCOPES = ["all", "staged", "file_list"] as const;
export type DiffScope = (typeof DIFF_SCOPES)[number];

const DIFF = ["diff", "--binary", "--no-ext-diff", "--no-textconv", "--no-color"];

/**
 * Working-tree diff: `all` against the index, `staged` the index against HEAD,
 * `file_list` limited to the given files, each confined to `root` (symlinks resolved).
 */
export async function repoDiff(
  root: string,
  scope: string = "all",
  files: readonly string[] = [],
): Promise<string> {
  let args: string[];
  if (scope === "all") {
    args = DIFF;
  } else if (scope === "staged") {
    args = [...DIFF, "--cached"];
  } else if (scope === "file_list") {
    if (files.length === 0) {
      throw new OrchestratorError("file_list diff requires at least one project-relative file");
    }
    const relative: string[] = [];
    for (const file of files) relative.push(await confineRelative(root, file));
    // Literal pathspecs: a file named `*.ts` or `:(glob)x` means exactly that file.
    args = ["--literal-pathspecs", ...DIFF, "--", ...relative.map((r) => (r === "" ? "." : r))];
  } else {
    throw new OrchestratorError(`Unsupported diff scope: ${scope}; ${oneOf("scope", DIFF_SCOPES)}`);
  }
  return (await runGit(root, args)).stdout.toString("utf8");
}
