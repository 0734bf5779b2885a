/**
 * Package-within-task subset rule on the scope glob semantics (architecture decision 6).
 *
 * Definition: parent pattern P covers child pattern C iff every project-relative path that
 * C matches is also matched by P. Deciding that exactly for full glob syntax is costly, so
 * the check is conservative (sound, not complete): it may answer "not covered" for an
 * exotic child that is in fact covered, but never "covered" for one that is not.
 *
 * Segment-wise comparison:
 * - a parent `**` absorbs zero or more child segments of any kind (including `**`);
 * - a child `**` is covered only by a parent `**`;
 * - otherwise the two segments must satisfy `segmentCovers`:
 *   equal text; parent `*`; a literal child segment the parent segment matches (picomatch);
 *   or a parent `pre*suf` whose `pre`/`suf` are contained in the child's fixed prefix and
 *   suffix (the text before its first and after its last wildcard character).
 * A child segment with an unbalanced brace or bracket (a brace alternative containing `/`)
 * is widened to `**` from there on; a parent with one is not used at all.
 */
import picomatch from "picomatch/posix.js";
import { isProjectRelativePattern, normalizePattern } from "./scope.js";

const SEGMENT_OPTIONS = { dot: true, nonegate: true, noextglob: true, windows: false } as const;
const SPECIAL = /[*?[\]{}]/;
const SIMPLE_STAR = /^([^*?[\]{}]*)\*([^*?[\]{}]*)$/;

function isLiteral(segment: string): boolean {
  return !SPECIAL.test(segment);
}

function isBalanced(segment: string): boolean {
  let braces = 0;
  let brackets = 0;
  for (const ch of segment) {
    if (ch === "{") braces++;
    else if (ch === "}") braces--;
    else if (ch === "[") brackets++;
    else if (ch === "]") brackets--;
    if (braces < 0 || brackets < 0) return false;
  }
  return braces === 0 && brackets === 0;
}

function fixedAffixes(segment: string): { prefix: string; suffix: string } {
  let first = -1;
  let last = -1;
  for (let i = 0; i < segment.length; i++) {
    if (SPECIAL.test(segment[i] ?? "")) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0
    ? { prefix: segment, suffix: segment }
    : { prefix: segment.slice(0, first), suffix: segment.slice(last + 1) };
}

function segmentCovers(parent: string, child: string): boolean {
  if (parent === child || parent === "*") return true;
  if (isLiteral(child)) return picomatch.isMatch(child, parent, SEGMENT_OPTIONS);
  const star = SIMPLE_STAR.exec(parent);
  if (!star) return false;
  const { prefix, suffix } = fixedAffixes(child);
  return prefix.startsWith(star[1] ?? "") && suffix.endsWith(star[2] ?? "");
}

function coversSegments(parent: readonly string[], child: readonly string[]): boolean {
  const memo = new Map<number, boolean>();
  const go = (pi: number, ci: number): boolean => {
    const key = pi * (child.length + 1) + ci;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    const p = parent[pi];
    const c = child[ci];
    if (p === undefined) result = c === undefined;
    else if (p === "**") result = go(pi + 1, ci) || (c !== undefined && go(pi, ci + 1));
    else if (c === undefined || c === "**") result = false;
    else result = segmentCovers(p, c) && go(pi + 1, ci + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** True when every path matched by `child` is matched by `parent` (conservative). */
export function patternCovers(parent: string, child: string): boolean {
  if (!isProjectRelativePattern(parent) || !isProjectRelativePattern(child)) return false;
  const p = normalizePattern(parent);
  const c = normalizePattern(child);
  if (p === c) return true;
  const parentSegments = p.split("/");
  if (!parentSegments.every(isBalanced)) return false;
  let childSegments = c.split("/");
  const widenAt = childSegments.findIndex((s) => !isBalanced(s));
  if (widenAt >= 0) childSegments = [...childSegments.slice(0, widenAt), "**"];
  return coversSegments(parentSegments, childSegments);
}

/** Package-within-task rule: the child pattern is covered by at least one parent pattern. */
export function isPatternWithinScope(child: string, parents: readonly string[]): boolean {
  return parents.some((parent) => patternCovers(parent, child));
}
