/**
 * Where a symlink committed to git lands, resolved on the commit's own tree (never the file
 * system): the link's target is walked segment by segment from the link's directory, and a
 * segment that is itself a symlink in the tree is followed, as the OS would follow it after
 * checkout. A backslash counts as a separator and a drive letter as absolute, because a
 * Windows checkout reads them so.
 */
import { isDotGitName } from "../domain/dot-git.js";

export type LinkLanding = { ok: true; path: string } | { ok: false; reason: string };

/** Reads the target of `path` when it is a symlink in the tree, null otherwise. */
export type TreeLinkReader = (path: string) => Promise<string | null>;

const MAX_HOPS = 40;
const MAX_LOOKUPS = 256;
const ABSOLUTE = /^([A-Za-z]:|\/)/;

class Stop extends Error {}

interface Walk {
  read: TreeLinkReader;
  hops: number;
  lookups: number;
}

async function isLink(walk: Walk, path: string): Promise<string | null> {
  if (++walk.lookups > MAX_LOOKUPS) throw new Stop("its target has too many path segments to check");
  return walk.read(path);
}

async function follow(walk: Walk, base: readonly string[], target: string): Promise<string[]> {
  const text = target.replace(/\\/g, "/");
  if (text.includes("\0")) throw new Stop("its target holds a NUL byte");
  if (text === "") throw new Stop("its target is empty");
  if (ABSOLUTE.test(text)) throw new Stop("its target is an absolute path");
  let out = [...base];
  for (const part of text.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) throw new Stop("its target leaves the repository");
      out.pop();
      continue;
    }
    out.push(part);
    const inner = await isLink(walk, out.join("/"));
    if (inner === null) continue;
    if (++walk.hops > MAX_HOPS) throw new Stop("its target has too many levels of symbolic links");
    out = await follow(walk, out.slice(0, -1), inner);
  }
  return out;
}

/** The repository-relative path the link at `linkPath` (target `target`) finally names. */
export async function resolveLinkTarget(
  linkPath: string,
  target: string,
  read: TreeLinkReader,
): Promise<LinkLanding> {
  try {
    const landed = await follow({ read, hops: 0, lookups: 0 }, linkPath.split("/").slice(0, -1), target);
    if (landed.length === 0) return { ok: false, reason: "its target is the repository root" };
    if (landed.some(isDotGitName)) return { ok: false, reason: "its target is inside .git" };
    return { ok: true, path: landed.join("/") };
  } catch (error) {
    if (error instanceof Stop) return { ok: false, reason: error.message };
    throw error;
  }
}
