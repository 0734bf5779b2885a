/**
 * One path segment against one glob segment, as a set of positions in the pattern (a
 * Thompson-style simulation): each character of the name is looked at once per live position,
 * so the cost is (name length) × (pattern length) whatever the wildcards — no backtracking.
 */
import type { Atom } from "./pattern.js";

/** Positions 0..atoms.length; position atoms.length means "the whole pattern consumed". */
export type PositionSet = Uint8Array;

/**
 * A character's simple case fold: the lower case of its upper case, when that is one character.
 * Some characters reach their ASCII partner only that way round (the long s: ſ → S → s; the
 * dotless i: ı → I → i), others only through their lower case (the Kelvin sign: K → k), and a
 * case-folding file system stores all of them as the same name.
 */
function fold(cp: number): number {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp;
  const folded = [...String.fromCodePoint(cp).toUpperCase().toLowerCase()];
  return folded.length === 1 ? folded[0]!.codePointAt(0)! : cp;
}

/** The character, its lower- and upper-case forms and its fold: a case-folded compare tests them all. */
function foldings(cp: number): number[] {
  if (cp < 0x80) {
    // ASCII without building strings: the common case, and it keeps the per-character cost flat.
    const lower = cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp;
    return [cp, lower, cp >= 0x61 && cp <= 0x7a ? cp - 0x20 : cp, lower];
  }
  const ch = String.fromCodePoint(cp);
  return [cp, ch.toLowerCase().codePointAt(0)!, ch.toUpperCase().codePointAt(0)!, fold(cp)];
}

function inClass(atom: Extract<Atom, { kind: "class" }>, cp: number): boolean {
  const hit = atom.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
  return hit !== atom.negated;
}

/**
 * Whether `atom` (not a star) consumes a character given as its case variants; folded, the
 * pattern's character matches when the two fold alike (`s` takes `ſ`, `K` takes `K`).
 */
function consumes(atom: Atom, variants: readonly number[], nocase: boolean): boolean {
  if (atom.kind === "any") return true;
  if (atom.kind === "char") return variants.includes(atom.cp) || (nocase && fold(atom.cp) === variants[3]);
  return atom.kind === "class" && variants.some((c) => inClass(atom, c));
}

/** A star may match nothing: a live position before a star makes the next one live too. */
function closeOverStars(atoms: readonly Atom[], set: PositionSet): PositionSet {
  for (let i = 0; i < atoms.length; i++) if (set[i] && atoms[i]!.kind === "star") set[i + 1] = 1;
  return set;
}

export function startSet(atoms: readonly Atom[]): PositionSet {
  const set = new Uint8Array(atoms.length + 1);
  set[0] = 1;
  return closeOverStars(atoms, set);
}

/** Fills `into` with the positions live after reading `cp` from `set`; false when none are. */
function advance(
  atoms: readonly Atom[],
  set: PositionSet,
  cp: number,
  nocase: boolean,
  into: PositionSet,
): boolean {
  into.fill(0);
  const variants = nocase ? foldings(cp) : [cp];
  let alive = false;
  for (let i = 0; i < atoms.length; i++) {
    if (!set[i]) continue;
    const atom = atoms[i]!;
    if (atom.kind === "star") into[i] = 1;
    else if (consumes(atom, variants, nocase)) into[i + 1] = 1;
    else continue;
    alive = true;
  }
  closeOverStars(atoms, into);
  return alive;
}

/** The positions live after reading `cp` from `set` (a new set; all zero when the match is dead). */
export function step(atoms: readonly Atom[], set: PositionSet, cp: number, nocase: boolean): PositionSet {
  const next = new Uint8Array(atoms.length + 1);
  advance(atoms, set, cp, nocase, next);
  return next;
}

export function isDead(set: PositionSet): boolean {
  return !set.includes(1);
}

export function accepts(atoms: readonly Atom[], set: PositionSet): boolean {
  return set[atoms.length] === 1;
}

export function matchSegment(atoms: readonly Atom[], name: string, nocase: boolean): boolean {
  // Two position sets, swapped per character (no allocation per character).
  let set: PositionSet = startSet(atoms);
  let next: PositionSet = new Uint8Array(atoms.length + 1);
  for (const ch of name) {
    if (!advance(atoms, set, ch.codePointAt(0)!, nocase, next)) return false;
    [set, next] = [next, set];
  }
  return accepts(atoms, set);
}
