import { lstat, readlink, realpath } from "node:fs/promises";
import path from "node:path";
import { OrchestratorError } from "../domain/errors.js";

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

const SEPARATORS = process.platform === "win32" ? /[\\/]/ : /\//;
const MAX_LINK_DEPTH = 40;

/** Joins without lexical normalisation: `a/link/..` must be walked, not collapsed. */
function rawJoin(base: string, rest: string): string {
  return path.isAbsolute(rest) ? rest : `${base}${path.sep}${rest}`;
}

/**
 * Resolves `target` the way the OS would, following every symlink (dangling ones included),
 * even when the tail of the path does not exist yet. Segments are walked one by one because
 * a lexical `a/link/..` is not the OS's `a/link/..` when `link` is a symlink.
 */
export async function resolveReal(target: string, depth = 0): Promise<string> {
  if (depth > MAX_LINK_DEPTH) throw new OrchestratorError(`Too many levels of symbolic links: ${target}`);
  const raw = rawJoin(process.cwd(), target);
  const { root } = path.parse(raw);
  const segments = raw.slice(root.length).split(SEPARATORS);
  let current = await realpath(root);
  for (const segment of segments) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      // `current` is real (or lexical below a missing entry), so its lexical parent is right.
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, segment);
    let info;
    try {
      info = await lstat(next);
    } catch (error) {
      if (!isMissing(error)) throw error;
      current = next; // missing: keep walking lexically; later segments may exist again after `..`
      continue;
    }
    if (info.isSymbolicLink()) {
      // Follow by hand so a dangling link to a missing target outside still counts as outside.
      current = await resolveReal(rawJoin(current, await readlink(next)), depth + 1);
    } else {
      current = await realpath(next);
    }
  }
  return current;
}

/** True when `child` equals `parent` or lies below it (both already resolved). */
export function isWithin(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Resolves `candidate` (relative to `root` unless absolute) following symlinks and requires
 * the result inside the resolved root; returns the resolved absolute path.
 * Throws `Path outside project root: <candidate>` otherwise.
 */
export async function confineToRoot(root: string, candidate: string): Promise<string> {
  if (candidate.includes("\0")) {
    throw new OrchestratorError(`Path contains a NUL byte: ${JSON.stringify(candidate)}`);
  }
  const realRoot = await resolveReal(root);
  const resolved = await resolveReal(rawJoin(realRoot, candidate));
  if (!isWithin(realRoot, resolved)) {
    throw new OrchestratorError(`Path outside project root: ${candidate}`);
  }
  return resolved;
}

/** Like confineToRoot, but returns the POSIX-style path relative to the root (for git pathspecs). */
export async function confineRelative(root: string, candidate: string): Promise<string> {
  const realRoot = await resolveReal(root);
  const resolved = await confineToRoot(realRoot, candidate);
  return path.relative(realRoot, resolved).split(path.sep).join("/");
}
