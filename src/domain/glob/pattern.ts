/**
 * The scope pattern language, parsed once into brace-free alternatives of path segments.
 *
 * Accepted, and nothing else, so that matching stays linear and the package-within-task
 * subset rule can be proved:
 * - `/` separates segments (a backslash is read as `/`); empty and `.` segments are dropped;
 * - inside a segment: literal characters, `*` (any run of characters), `?` (one character),
 *   classes `[abc]`, `[a-z]`, `[!a]`/`[^a]` (negated) — never a `/` inside a class;
 * - `**` as a whole segment: zero or more segments;
 * - `{a,b}` alternatives, which may hold `/` and nest; they expand first, like the shell, so
 *   `src/{**,x}` is the two patterns `src/**` and `src/x`.
 * Every other character is literal text: `(`, `)`, `|`, `!`, `+`, `@` never change a pattern's
 * meaning. Bounds keep matching and the subset proof cheap; a pattern over them is refused.
 */

export type Atom =
  | { kind: "char"; cp: number }
  | { kind: "any" }
  | { kind: "star" }
  | { kind: "class"; negated: boolean; ranges: readonly (readonly [number, number])[] };

export type Segment =
  | { kind: "globstar" }
  /** `literal` is the segment's text when it has no wildcard (a fast exact compare). */
  | { kind: "glob"; atoms: readonly Atom[]; literal: string | null };

export type Alternative = readonly Segment[];

export type ParsedPattern =
  | { ok: true; alternatives: readonly Alternative[] }
  | { ok: false; kind: "not_relative" | "unsupported"; reason: string };

export const PATTERN_LIMITS = {
  length: 256,
  starsPerSegment: 3,
  wildcardsPerSegment: 8,
  braceGroups: 4,
  braceDepth: 2,
  alternatives: 32,
} as const;

/** One sentence for refusals: what the language accepts. */
export const PATTERN_LANGUAGE =
  `Scope patterns accept literal text, * and ? within one path segment, [abc] / [a-z] / [!a] classes, ` +
  `{a,b} alternatives (at most ${PATTERN_LIMITS.braceGroups} groups, nested ${PATTERN_LIMITS.braceDepth} deep, ` +
  `${PATTERN_LIMITS.alternatives} expansions) and ** as a whole segment; at most ${PATTERN_LIMITS.length} ` +
  `characters, ${PATTERN_LIMITS.starsPerSegment} * and ${PATTERN_LIMITS.wildcardsPerSegment} wildcards per segment`;

type Token = Atom | { kind: "slash" } | { kind: "group"; options: Token[][] };

class Refusal extends Error {
  constructor(
    readonly kind: "not_relative" | "unsupported",
    reason: string,
  ) {
    super(reason);
  }
}

const unsupported = (reason: string): Refusal => new Refusal("unsupported", reason);

interface Cursor {
  chars: string[];
  at: number;
  groups: number;
}

function parseClass(cur: Cursor): Atom {
  cur.at++; // past "["
  const negated = cur.chars[cur.at] === "!" || cur.chars[cur.at] === "^";
  if (negated) cur.at++;
  const ranges: [number, number][] = [];
  for (;;) {
    const ch = cur.chars[cur.at];
    if (ch === undefined) throw unsupported("a [ class is not closed");
    if (ch === "]" && ranges.length > 0) break;
    if ("[]/{}".includes(ch)) throw unsupported(`a class may not hold '${ch}'`);
    const lo = ch.codePointAt(0)!;
    let hi = lo;
    const next = cur.chars[cur.at + 1];
    const end = cur.chars[cur.at + 2];
    if (next === "-" && end !== undefined && end !== "]") {
      if ("[/{}".includes(end)) throw unsupported(`a class may not hold '${end}'`);
      hi = end.codePointAt(0)!;
      if (hi < lo) throw unsupported(`the class range ${ch}-${end} is reversed`);
      cur.at += 2;
    }
    ranges.push([lo, hi]);
    cur.at++;
  }
  cur.at++; // past "]"
  return { kind: "class", negated, ranges };
}

/** A sequence up to the end, or (inside a group) up to its next `,` or `}`. */
function parseSequence(cur: Cursor, depth: number): Token[] {
  const out: Token[] = [];
  for (;;) {
    const ch = cur.chars[cur.at];
    if (ch === undefined) return out;
    if ((ch === "," || ch === "}") && depth > 0) return out;
    if (ch === "{") out.push(parseGroup(cur, depth + 1));
    else if (ch === "[") out.push(parseClass(cur));
    else if (ch === "}" || ch === "]") throw unsupported(`'${ch}' has no opening bracket`);
    else {
      if (ch === "*") out.push({ kind: "star" });
      else if (ch === "?") out.push({ kind: "any" });
      else if (ch === "/") out.push({ kind: "slash" });
      else out.push({ kind: "char", cp: ch.codePointAt(0)! });
      cur.at++;
    }
  }
}

function parseGroup(cur: Cursor, depth: number): Token {
  if (depth > PATTERN_LIMITS.braceDepth)
    throw unsupported(`braces nest deeper than ${PATTERN_LIMITS.braceDepth}`);
  if (++cur.groups > PATTERN_LIMITS.braceGroups) {
    throw unsupported(`more than ${PATTERN_LIMITS.braceGroups} brace groups`);
  }
  cur.at++; // past "{"
  const options: Token[][] = [parseSequence(cur, depth)];
  while (cur.chars[cur.at] === ",") {
    cur.at++;
    options.push(parseSequence(cur, depth));
  }
  if (cur.chars[cur.at] !== "}") throw unsupported("a { group is not closed");
  if (options.length < 2) throw unsupported("a { group needs at least one ','");
  cur.at++;
  return { kind: "group", options };
}

type Flat = Exclude<Token, { kind: "group" }>;

/** Every brace choice spelled out, refused past the expansion bound. */
function expand(tokens: readonly Token[]): Flat[][] {
  let results: Flat[][] = [[]];
  for (const token of tokens) {
    if (token.kind !== "group") {
      for (const r of results) r.push(token);
      continue;
    }
    const choices = token.options.flatMap((option) => expand(option));
    if (results.length * choices.length > PATTERN_LIMITS.alternatives) {
      throw unsupported(`braces expand to more than ${PATTERN_LIMITS.alternatives} alternatives`);
    }
    results = results.flatMap((r) => choices.map((c) => [...r, ...c]));
  }
  return results;
}

function toSegment(atoms: Atom[]): Segment | null {
  const text = atoms.every((a) => a.kind === "char") ? String.fromCodePoint(...atoms.map((a) => a.cp)) : null;
  if (text === "" || text === ".") return null;
  if (text === "..") throw new Refusal("not_relative", "a '..' segment");
  const stars = atoms.filter((a) => a.kind === "star").length;
  if (stars === 2 && atoms.length === 2) return { kind: "globstar" };
  if (atoms.some((a, i) => a.kind === "star" && atoms[i + 1]?.kind === "star")) {
    throw unsupported("** must be a whole path segment");
  }
  if (stars > PATTERN_LIMITS.starsPerSegment) {
    throw unsupported(`more than ${PATTERN_LIMITS.starsPerSegment} * in one segment`);
  }
  if (atoms.filter((a) => a.kind !== "char").length > PATTERN_LIMITS.wildcardsPerSegment) {
    throw unsupported(`more than ${PATTERN_LIMITS.wildcardsPerSegment} wildcards in one segment`);
  }
  return { kind: "glob", atoms, literal: text };
}

const DRIVE = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"].map((c) => c.codePointAt(0)!);

function toAlternative(flat: readonly Flat[]): Alternative {
  const first = flat[0];
  const second = flat[1];
  if (first?.kind === "slash") throw new Refusal("not_relative", "an absolute path");
  if (first?.kind === "char" && DRIVE.includes(first.cp) && second?.kind === "char" && second.cp === 58) {
    throw new Refusal("not_relative", "a drive-letter path");
  }
  const segments: Segment[] = [];
  let current: Atom[] = [];
  for (const token of [...flat, { kind: "slash" } as const]) {
    if (token.kind !== "slash") {
      current.push(token);
      continue;
    }
    const segment = toSegment(current);
    if (segment) segments.push(segment);
    current = [];
  }
  if (segments.length === 0) throw new Refusal("not_relative", "the pattern names the project root");
  return segments;
}

/** Parses a pattern; never throws. */
export function parsePattern(pattern: string): ParsedPattern {
  const text = pattern.trim().replace(/\\/g, "/");
  try {
    if (text.includes("\0")) throw new Refusal("not_relative", "a NUL byte");
    if (text === "") throw new Refusal("not_relative", "an empty pattern");
    if (text.length > PATTERN_LIMITS.length)
      throw unsupported(`longer than ${PATTERN_LIMITS.length} characters`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0001-\u001f\u007f]/.test(text)) throw unsupported("a control character");
    const cur: Cursor = { chars: [...text], at: 0, groups: 0 };
    const alternatives = expand(parseSequence(cur, 0)).map(toAlternative);
    return { ok: true, alternatives };
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return { ok: false, kind: error.kind, reason: error.message };
  }
}
