import { describe, expect, it } from "vitest";
import {
  checkChangedFiles,
  compileScope,
  isPatternWithinScope,
  isProjectRelativePattern,
  matchesAny,
  scopePatternIssues,
  normalizeRelativePath,
  patternCovers,
} from "../../src/domain/scope.js";
import { OrchestratorError } from "../../src/domain/errors.js";

describe("normalizeRelativePath", () => {
  const cases: [string, string | null][] = [
    ["src/a.ts", "src/a.ts"],
    ["./src/a.ts", "src/a.ts"],
    ["src//a.ts", "src/a.ts"],
    ["src\\win\\a.ts", "src/win/a.ts"],
    ["src/./a.ts", "src/a.ts"],
    ["  src/a.ts  ", "src/a.ts"],
    ["../escape.txt", null],
    ["src/../../escape.txt", null],
    ["src\\..\\x", null],
    ["/etc/passwd", null],
    ["C:\\Windows\\x", null],
    ["c:/x", null],
    ["C:relative", null],
    ["\\\\server\\share\\x", null],
    ["", null],
    [".", null],
    ["a\0b", null],
  ];
  it.each(cases)("%j → %j", (input, expected) => {
    const result = normalizeRelativePath(input);
    if (expected === null) expect(result.ok).toBe(false);
    else expect(result).toEqual({ ok: true, path: expected });
  });
});

describe("isProjectRelativePattern", () => {
  const cases: [string, boolean][] = [
    ["src/**", true],
    ["**", true],
    ["src\\**", true],
    ["docs/*.xml", true],
    ["../outside/**", false],
    ["src/../../x", false],
    ["{a,..}/x", false],
    ["src/{..,a}", false],
    ["/abs/**", false],
    ["C:\\repo\\**", false],
    ["d:/x", false],
    ["", false],
    ["   ", false],
    ["..foo/bar", true],
  ];
  it.each(cases)("%j → %s", (pattern, expected) => {
    expect(isProjectRelativePattern(pattern)).toBe(expected);
  });
});

describe("scopePatternIssues", () => {
  it("uses the hook wording per label", () => {
    expect(scopePatternIssues("Task allowed", ["src/**", "../outside/**", "/abs"])).toEqual([
      "Task allowed scope pattern is not project-relative: ../outside/**",
      "Task allowed scope pattern is not project-relative: /abs",
    ]);
    expect(scopePatternIssues("Work-package forbidden", ["secrets/**"])).toEqual([]);
  });
});

describe("matchesAny (`*` stays in one path segment, `**` crosses segments)", () => {
  const cases: [string, string[], boolean][] = [
    ["src/a", ["src/*"], true],
    ["src/a/b", ["src/*"], false],
    ["src/a/b", ["src/**"], true],
    ["src", ["src/**"], true],
    ["src/.env", ["src/**"], true],
    [".env", ["**/.env"], true],
    ["deep/x/.env", ["**/.env"], true],
    ["README.md", ["*"], true],
    ["docs/README.md", ["*"], false],
    ["anything/at/all", ["**"], true],
    ["src/a/b.ts", ["src/**/*.ts"], true],
    ["src/b.ts", ["src/**/*.ts"], true],
    ["src/b.js", ["src/**/*.ts"], false],
    ["src\\a\\b.ts", ["src/**"], true],
    ["src/b/x", ["src/{a,b}/x"], true],
    ["src/c/x", ["src/{a,b}/x"], false],
    ["!src", ["!src"], true],
    ["other", ["!src"], false],
    ["src/a", ["src\\*"], true],
    ["SRC/a", ["src/**"], false],
    ["../src/a", ["**"], false],
    ["/src/a", ["**"], false],
    ["src/a", [], false],
  ];
  it.each(cases)("%j in %j → %s", (path, patterns, expected) => {
    expect(matchesAny(path, patterns)).toBe(expected);
  });

  it("matches forbidden patterns case-insensitively when asked", () => {
    expect(matchesAny("SECRETS/key.pem", ["secrets/**"], true)).toBe(true);
    expect(matchesAny("SECRETS/key.pem", ["secrets/**"])).toBe(false);
  });

  // Names a case-insensitive or normalising file system (APFS, NTFS) stores as the same entry:
  // the long s and the dotless i fold to ASCII only through their upper case, the Kelvin sign
  // only through its lower case, and a decomposed é is canonically the composed one.
  const sameEntry: [string, string][] = [
    ["src/\u017fecrets/key.pem", "src/secrets/**"],
    ["src/\u017fECRETS/key.pem", "src/Secrets/**"],
    ["src/secret\u212a/x", "src/secretK/**"],
    ["src/secret\u212a/x", "src/secretk/**"],
    ["src/conf\u0131g/x", "src/config/**"],
    ["src/\u03c3\u03b9\u03b3\u03bc\u03b1\u03c2/x", "src/\u03a3\u0399\u0393\u039c\u0391\u03a3/**"],
    ["src/stra\u1e9ee/x", "src/stra\u00dfe/**"],
    ["src/cafe\u0301/x", "src/caf\u00e9/**"],
    ["src/caf\u00e9/x", "src/cafe\u0301/**"],
    ["src/\u017fecrets/key.pem", "src/[s]ecrets/**"],
  ];
  it.each(sameEntry)("forbidden %j is matched by %j (the same file on disk)", (path, pattern) => {
    expect(matchesAny(path, [pattern], true)).toBe(true);
  });

  it("refuses to compile a non-relative pattern", () => {
    expect(() => compileScope(["../x/**"])).toThrow(OrchestratorError);
    expect(() => compileScope(["/x"])).toThrow("Scope pattern is not project-relative: /x");
  });
});

const DOT_GIT_PATHS = [
  "src/.git/hooks/post-checkout",
  "src/.GIT/config",
  "src/.git. /config",
  "src/GIT~1/config",
  "src/.g\u200cit/config",
  "src/.git:stream",
];

describe("checkChangedFiles", () => {
  const cases: {
    name: string;
    files: string[];
    allowed: string[];
    forbidden: string[];
    messages: string[];
  }[] = [
    {
      name: "files inside allowed pass",
      files: ["src/orchestrator.py", "src/models.py"],
      allowed: ["src/**"],
      forbidden: ["tests/**"],
      messages: [],
    },
    {
      name: "outside allowed",
      files: ["README.md"],
      allowed: ["src/**"],
      forbidden: [],
      messages: ["Submission changed file outside allowed scope: README.md"],
    },
    {
      name: "forbidden wins over allowed",
      files: ["tests/test_orchestrator.py"],
      allowed: ["**"],
      forbidden: ["tests/**"],
      messages: ["Submission changed forbidden file: tests/test_orchestrator.py"],
    },
    {
      name: "single star does not cross segments",
      files: ["src/a/b.ts"],
      allowed: ["src/*"],
      forbidden: [],
      messages: ["Submission changed file outside allowed scope: src/a/b.ts"],
    },
    {
      name: "parent segments are refused",
      files: ["src/../secrets.txt"],
      allowed: ["**"],
      forbidden: [],
      messages: ["Submission path is not project-relative: src/../secrets.txt"],
    },
    {
      name: "absolute paths are refused",
      files: ["/etc/passwd", "C:\\Windows\\win.ini"],
      allowed: ["**"],
      forbidden: [],
      messages: [
        "Submission path is not project-relative: /etc/passwd",
        "Submission path is not project-relative: C:\\Windows\\win.ini",
      ],
    },
    {
      // git always separates with "/": a backslash in a changed path is part of a file name,
      // e.g. a root file literally named "src\\orderdesk\\evil.ts" that would otherwise pass src/orderdesk/**.
      name: "a backslash in a changed path is refused, never read as a separator",
      files: ["src\\orderdesk\\evil.ts"],
      allowed: ["src/orderdesk/**"],
      forbidden: [],
      messages: [
        "Submission path contains a backslash (git never uses one as a separator): src\\orderdesk\\evil.ts",
      ],
    },
    {
      // Git refuses to check out any of these names (a nested repository's hooks and config would
      // run), so a change holding one can never be merged and is refused up front.
      name: "a path through a .git directory, in any spelling git guards against, is refused",
      files: [...DOT_GIT_PATHS, "src/.gitignore", "src/x.git/a"],
      allowed: ["src/**"],
      forbidden: [],
      messages: DOT_GIT_PATHS.map(
        (p) => `Submission path has a component git refuses to check out (a spelling of .git): ${p}`,
      ),
    },
    {
      name: "forbidden matching ignores case",
      files: ["Secrets/KEY.pem"],
      allowed: ["**"],
      forbidden: ["secrets/**"],
      messages: ["Submission changed forbidden file: Secrets/KEY.pem"],
    },
    {
      name: "allowed matching is case-sensitive (fail closed)",
      files: ["SRC/a.ts"],
      allowed: ["src/**"],
      forbidden: [],
      messages: ["Submission changed file outside allowed scope: SRC/a.ts"],
    },
  ];
  it.each(cases)("$name", ({ files, allowed, forbidden, messages }) => {
    expect(checkChangedFiles(files, allowed, forbidden).map((v) => v.message)).toEqual(messages);
  });
});

describe("patternCovers (package-within-task subset rule)", () => {
  const cases: [string, string, boolean][] = [
    ["**", "src/**", true],
    ["**", "anything/*.ts", true],
    ["src/**", "src/**", true],
    ["src/**", "src/a/**", true],
    ["src/**", "src/a.ts", true],
    ["src/**", "src/*.ts", true],
    ["src/**", "src/{a,b/c}.ts", true],
    ["src/**", "src", true],
    ["src/**", "lib/**", false],
    ["src/**", "**", false],
    ["src/**", "*", false],
    ["src/**", "srcx/a.ts", false],
    ["*", "src/**", false],
    ["*", "README.md", true],
    ["src/*", "src/a.ts", true],
    ["src/*", "src/*.ts", true],
    ["src/*", "src/a/b.ts", false],
    ["src/*", "src/**", false],
    ["src/*.ts", "src/a*.ts", true],
    ["src/*.ts", "src/a*", false],
    ["src/*.ts", "src/*.tsx", false],
    ["src/a*", "src/ab?", true],
    ["src/**/*.ts", "src/a/b.ts", true],
    ["src/**/*.ts", "src/a/**/*.ts", true],
    ["src/**/*.ts", "src/a/**", false],
    ["src/{a,b}/**", "src/a/x.ts", true],
    ["src/{a,b}/**", "src/c/x.ts", false],
    ["src/[ab]/**", "src/a/**", true],
    ["../**", "src/a", false],
    ["src/**", "../src/a", false],
    ["/src/**", "/src/a", false],
    ["src\\**", "src/a\\b.ts", true],
  ];
  it.each(cases)("%j covers %j → %s", (parent, child, expected) => {
    expect(patternCovers(parent, child)).toBe(expected);
  });

  it("isPatternWithinScope uses any parent", () => {
    expect(isPatternWithinScope("docs/x.md", ["src/**", "docs/*.md"])).toBe(true);
    expect(isPatternWithinScope("docs/a/x.md", ["src/**", "docs/*.md"])).toBe(false);
  });
});
