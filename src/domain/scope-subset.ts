/**
 * Package-within-task subset rule on the scope pattern language.
 *
 * Definition: parent pattern P covers child pattern C iff every project-relative path that
 * C matches is also matched by P. The proof works on the parsed patterns the matcher itself
 * runs, so it is sound for every accepted pattern; it is conservative (it may answer "not
 * covered" for an exotic child that is covered, never "covered" for one that is not):
 * - braces are already expanded: every child alternative must be covered by one parent
 *   alternative (of any parent pattern);
 * - segments align as in matching: a parent `**` absorbs zero or more child segments of any
 *   kind, a child `**` is covered only by a parent `**`;
 * - two glob segments are compared exactly: language inclusion of the two segment automata,
 *   explored over one representative character per class of characters the two patterns
 *   cannot tell apart. Past a bound on explored states the answer is "not covered".
 */
import { parsePattern, type Alternative, type Atom, type Segment } from "./glob/pattern.js";
import { accepts, isDead, startSet, step, type PositionSet } from "./glob/segment.js";

const MAX_EXPLORED = 4096;
const SLASH = 0x2f;
const MAX_CODE_POINT = 0x10ffff;

/**
 * Character classes the atoms cannot tell apart start at these code points; `/` is its own
 * class and dropped (it never occurs inside a segment).
 */
function representatives(atoms: readonly Atom[]): number[] {
  const cuts = new Set<number>([0, SLASH, SLASH + 1]);
  for (const atom of atoms) {
    if (atom.kind === "char") cuts.add(atom.cp).add(atom.cp + 1);
    if (atom.kind === "class") for (const [lo, hi] of atom.ranges) cuts.add(lo).add(hi + 1);
  }
  return [...cuts].filter((c) => c !== SLASH && c <= MAX_CODE_POINT).sort((a, b) => a - b);
}

/** Every segment name the child glob matches is matched by the parent glob. */
function globIncludes(parent: readonly Atom[], child: readonly Atom[]): boolean {
  const chars = representatives([...parent, ...child]);
  const key = (c: PositionSet, p: PositionSet): string => `${c.join("")}|${p.join("")}`;
  const start: [PositionSet, PositionSet] = [startSet(child), startSet(parent)];
  const seen = new Set([key(...start)]);
  const queue = [start];
  for (let pair = queue.pop(); pair; pair = queue.pop()) {
    const [c, p] = pair;
    if (accepts(child, c) && !accepts(parent, p)) return false;
    for (const cp of chars) {
      const nextChild = step(child, c, cp, false);
      if (isDead(nextChild)) continue;
      const next: [PositionSet, PositionSet] = [nextChild, step(parent, p, cp, false)];
      const k = key(...next);
      if (seen.has(k)) continue;
      if (seen.size >= MAX_EXPLORED) return false;
      seen.add(k);
      queue.push(next);
    }
  }
  return true;
}

function segmentCovers(parent: Segment, child: Segment): boolean {
  if (parent.kind === "globstar") return true;
  if (child.kind === "globstar") return false;
  if (parent.literal !== null) return parent.literal === child.literal;
  return globIncludes(parent.atoms, child.atoms);
}

function alternativeCovers(parent: Alternative, child: Alternative): boolean {
  const memo = new Map<number, boolean>();
  const go = (pi: number, ci: number): boolean => {
    const key = pi * (child.length + 1) + ci;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const p = parent[pi];
    const c = child[ci];
    let result: boolean;
    if (p === undefined) result = c === undefined;
    else if (p.kind === "globstar") result = go(pi + 1, ci) || (c !== undefined && go(pi, ci + 1));
    else result = c !== undefined && segmentCovers(p, c) && go(pi + 1, ci + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

function alternativesOf(patterns: readonly string[]): Alternative[] | null {
  const out: Alternative[] = [];
  for (const pattern of patterns) {
    const parsed = parsePattern(pattern);
    if (!parsed.ok) return null;
    out.push(...parsed.alternatives);
  }
  return out;
}

/** Package-within-task rule: every path the child matches is matched by one of the parents. */
export function isPatternWithinScope(child: string, parents: readonly string[]): boolean {
  const childAlternatives = alternativesOf([child]);
  const parentAlternatives = alternativesOf(parents.filter((p) => parsePattern(p).ok));
  if (!childAlternatives || !parentAlternatives) return false;
  return childAlternatives.every((c) => parentAlternatives.some((p) => alternativeCovers(p, c)));
}

/** True when every path matched by `child` is matched by `parent` (conservative). */
export function patternCovers(parent: string, child: string): boolean {
  return parsePattern(parent).ok && isPatternWithinScope(child, [parent]);
}
