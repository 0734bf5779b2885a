/**
 * Scope patterns and changed-file scope checks (docs/decisions.md #5: our own small pattern language).
 *
 * The pattern language is in `glob/pattern.ts` (deliberately stricter than the predecessor's
 * fnmatch, and smaller than a general glob library so that every accepted pattern matches in
 * linear time and the package-within-task subset rule can be proved):
 * - `*` and `?` stay inside one path segment; `**` as a whole segment crosses segments
 *   (zero or more); `[...]` classes and `{a,b}` braces (expanded first) are supported.
 * - Extglobs, regex groups and leading-`!` negation do not exist: in a security scope a
 *   pattern must never invert its meaning, so `!x`, `@(x)` and `(a|b)` are literal text.
 * - Dot files are ordinary files (`src/**` covers `src/.env`).
 * - Backslashes in patterns and candidate paths are path separators (Windows input),
 *   so glob escaping with `\` is not available.
 * - Case: git records paths case-sensitively, so allowed patterns match case-sensitively
 *   (a path in another case is outside scope: fail closed). Forbidden patterns match
 *   case-insensitively (Unicode case folding, `ſecrets` included) and normalisation-insensitively
 *   (NFC), because on Windows/macOS file systems `SECRETS/a`, `ſecrets/a` and `secrets/a` are
 *   the same file and a forbidden rule must not be dodged by spelling it another way.
 */
import { isDotGitName } from "./dot-git.js";
import { OrchestratorError } from "./errors.js";
import { matchAlternative } from "./glob/matcher.js";
import { PATTERN_LANGUAGE, parsePattern, type Alternative } from "./glob/pattern.js";

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

const DRIVE_LETTER = /^[A-Za-z]:/;

/**
 * Normalizes a candidate (changed-file or affected) path to POSIX project-relative form:
 * backslashes become `/`, `./` and empty segments are dropped. Absolute paths, drive
 * letters (`C:\x`, `c:x`), UNC paths and any `..` segment are refused, as is NUL.
 */
export function normalizeRelativePath(candidate: string): PathCheck {
  const text = candidate.trim().replace(/\\/g, "/");
  if (text === "") return { ok: false, reason: "empty path" };
  if (text.includes("\0")) return { ok: false, reason: "path contains NUL" };
  if (text.startsWith("/")) return { ok: false, reason: "absolute path" };
  if (DRIVE_LETTER.test(text)) return { ok: false, reason: "drive-letter path" };
  const segments = text.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) return { ok: false, reason: "path contains a '..' segment" };
  if (segments.length === 0) return { ok: false, reason: "path names the project root" };
  return { ok: true, path: segments.join("/") };
}

/** Pattern text as matched: backslashes are separators, `./` and empty segments dropped. */
export function normalizePattern(pattern: string): string {
  return pattern
    .trim()
    .replace(/\\/g, "/")
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

// `..` as a segment, also as a brace alternative (`{a,..}/x` would expand to `../x`).
const PARENT_SEGMENT = /(^|[/{,])\.\.($|[/},])/;

/** A scope pattern must be project-relative (no absolute path, no `..`). */
export function isProjectRelativePattern(pattern: string): boolean {
  const text = pattern.trim().replace(/\\/g, "/");
  if (text === "" || text.includes("\0")) return false;
  if (text.startsWith("/") || DRIVE_LETTER.test(text)) return false;
  if (PARENT_SEGMENT.test(text)) return false;
  return normalizePattern(text) !== "";
}

function refusal(subject: string, pattern: string): string | null {
  const parsed = parsePattern(pattern);
  if (parsed.ok) return null;
  if (parsed.kind === "not_relative") return `${subject} is not project-relative: ${pattern}`;
  return `${subject} is not supported: ${pattern} (${parsed.reason}). ${PATTERN_LANGUAGE}`;
}

/**
 * Why `pattern` cannot be a scope pattern, as a refusal naming the field (`<label>` such as
 * `Task allowed`, `Work-package forbidden`), or null when it is accepted. Keeps the hook
 * wording `<label> scope pattern is not project-relative: <p>` for `..`, absolute and root paths.
 */
export function scopePatternIssue(label: string, pattern: string): string | null {
  return refusal(`${label} scope pattern`, pattern);
}

export function scopePatternIssues(label: string, patterns: readonly string[]): string[] {
  return patterns.flatMap((p) => scopePatternIssue(label, p) ?? []);
}

/** Parsed alternatives of `pattern`; throws a client-safe refusal for one the language refuses. */
export function patternAlternatives(pattern: string): readonly Alternative[] {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) throw new OrchestratorError(refusal("Scope pattern", pattern) ?? parsed.reason);
  return parsed.alternatives;
}

/** A compiled list of patterns; build once, test many paths. */
export interface ScopeMatcher {
  readonly patterns: readonly string[];
  test(path: string): boolean;
}

/**
 * Compiles scope patterns. A refused pattern is a programming or input error here; callers
 * that must report it as a gate issue check `scopePatternIssue` first.
 */
export function compileScope(patterns: readonly string[], caseInsensitive = false): ScopeMatcher {
  // A file system that ignores case also ignores how an accent is encoded (APFS): `é` and
  // `e` + U+0301 are one name, so both sides are compared in their composed form.
  const canonical = (text: string) => (caseInsensitive ? text.normalize("NFC") : text);
  const alternatives = patterns.map(canonical).flatMap(patternAlternatives);
  return {
    patterns: patterns.map(normalizePattern),
    test: (path: string) => {
      const names = canonical(path).split("/");
      return alternatives.some((alt) => matchAlternative(alt, names, caseInsensitive));
    },
  };
}

/** True when the (already normalized) path matches at least one pattern. */
export function matchesAny(path: string, patterns: readonly string[], caseInsensitive = false): boolean {
  const checked = normalizeRelativePath(path);
  if (!checked.ok) return false;
  return compileScope(patterns, caseInsensitive).test(checked.path);
}

export type ScopeViolationKind = "not_project_relative" | "forbidden" | "outside_allowed" | "link_target";

export interface ScopeViolation {
  path: string;
  kind: ScopeViolationKind;
  message: string;
}

/** Where a normalized path stands against a scope: forbidden wins over allowed. */
function scopeStanding(
  allowed: readonly string[],
  forbidden: readonly string[],
): (path: string) => "forbidden" | "outside_allowed" | null {
  const allowedMatcher = compileScope(allowed);
  const forbiddenMatcher = compileScope(forbidden, true);
  return (path) => {
    if (forbiddenMatcher.test(path)) return "forbidden";
    return allowedMatcher.test(path) ? null : "outside_allowed";
  };
}

/**
 * In order per path: not project-relative (or containing a backslash, or a spelling of
 * `.git` as a component), then forbidden, then outside allowed. The paths are git's, so "/" is the only separator. Returns every violation (callers that want the first one take `[0]`).
 */
const CHANGED = {
  forbidden: "Submission changed forbidden file: ",
  outside_allowed: "Submission changed file outside allowed scope: ",
} as const;

const LINKED = {
  forbidden: " into forbidden file: ",
  outside_allowed: " pointing outside allowed scope: ",
} as const;

export function checkChangedFiles(
  files: readonly string[],
  allowed: readonly string[],
  forbidden: readonly string[],
): ScopeViolation[] {
  const standing = scopeStanding(allowed, forbidden);
  const violations: ScopeViolation[] = [];
  for (const file of files) {
    const checked = normalizeRelativePath(file);
    if (!checked.ok) {
      violations.push({
        path: file,
        kind: "not_project_relative",
        message: `Submission path is not project-relative: ${file}`,
      });
    } else if (file.includes("\\")) {
      // Changed paths come from git, which always separates with "/"; a backslash is part of a
      // file name on POSIX, and reading it as a separator would let "src\\x" pass "src/**".
      violations.push({
        path: file,
        kind: "not_project_relative",
        message: `Submission path contains a backslash (git never uses one as a separator): ${file}`,
      });
    } else if (checked.path.split("/").some(isDotGitName)) {
      violations.push({
        path: file,
        kind: "not_project_relative",
        message: `Submission path has a component git refuses to check out (a spelling of .git): ${file}`,
      });
    } else {
      const kind = standing(checked.path);
      if (kind !== null)
        violations.push({ path: checked.path, kind, message: `${CHANGED[kind]}${checked.path}` });
    }
  }
  return violations;
}

/** A changed symlink with where it lands in the repository (or why it lands nowhere inside). */
export interface LandedLink {
  path: string;
  target: string;
  landing: { ok: true; path: string } | { ok: false; reason: string };
}

/**
 * A symlink is content: the path it points at must itself be a file the scope lets the change
 * touch — inside the repository, inside the allowed scope and outside the forbidden one.
 */
export function checkLinkTargets(
  links: readonly LandedLink[],
  allowed: readonly string[],
  forbidden: readonly string[],
): ScopeViolation[] {
  const standing = scopeStanding(allowed, forbidden);
  const violations: ScopeViolation[] = [];
  for (const { path, target, landing } of links) {
    const link = `Submission adds symlink ${path} -> ${JSON.stringify(target)}`;
    const kind = landing.ok ? standing(landing.path) : null;
    let problem: string | null = landing.ok ? null : `: ${landing.reason}`;
    if (landing.ok && kind !== null) problem = `${LINKED[kind]}${landing.path}`;
    if (problem !== null) violations.push({ path, kind: "link_target", message: `${link}${problem}` });
  }
  return violations;
}

export { patternCovers, isPatternWithinScope } from "./scope-subset.js";
