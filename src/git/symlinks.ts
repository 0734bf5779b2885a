/**
 * Changed symlinks are content: their targets are read from git (the commit's blobs and
 * tree), never from a checkout a worker could have altered, and resolved on that tree.
 */
import { OrchestratorError } from "../domain/errors.js";
import { resolveLinkTarget, type LinkLanding } from "./link-target.js";
import { runGit } from "./runner.js";

export const SYMLINK_MODE = "120000";
/** A change with more symlinks than this is refused rather than checked link by link. */
export const MAX_CHANGED_SYMLINKS = 100;

export interface ChangedLink {
  path: string;
  target: string;
  landing: LinkLanding;
}

async function readBlob(repo: string, blob: string): Promise<string> {
  return (await runGit(repo, ["cat-file", "blob", blob])).stdout.toString("utf8");
}

/** A reader of the symlinks in `commit`'s tree, each path looked up once. */
function treeLinks(repo: string, commit: string): (path: string) => Promise<string | null> {
  const cache = new Map<string, Promise<string | null>>();
  const lookup = async (path: string): Promise<string | null> => {
    const listed = await runGit(repo, ["--literal-pathspecs", "ls-tree", "-z", commit, "--", path]);
    const entry = listed.stdout.toString("utf8").split("\0")[0] ?? "";
    const [meta] = entry.split("\t");
    const [mode, , blob] = (meta ?? "").split(" ");
    return mode === SYMLINK_MODE && blob ? readBlob(repo, blob) : null;
  };
  return (path) => {
    let found = cache.get(path);
    if (!found) cache.set(path, (found = lookup(path)));
    return found;
  };
}

/** Target and landing of every symlink the change adds or alters (`blob` is its new blob). */
export async function changedLinks(
  repo: string,
  commit: string,
  links: readonly { path: string; blob: string }[],
): Promise<ChangedLink[]> {
  if (links.length > MAX_CHANGED_SYMLINKS) {
    throw new OrchestratorError(
      `Submission changes ${links.length} symlinks; at most ${MAX_CHANGED_SYMLINKS} are checked in one submission`,
    );
  }
  const read = treeLinks(repo, commit);
  const out: ChangedLink[] = [];
  for (const link of links) {
    const target = await readBlob(repo, link.blob);
    out.push({ path: link.path, target, landing: await resolveLinkTarget(link.path, target, read) });
  }
  return out;
}
