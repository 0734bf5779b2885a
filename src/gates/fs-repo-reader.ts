/**
 * RepoReader over the real file system, confined to one repository root. Every path is
 * resolved with symlinks (realpath) and must stay inside the resolved root, so a symlink
 * inside the repo that points outside it is refused rather than followed.
 */
import { readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch/posix.js";
import { OrchestratorError } from "../domain/errors.js";
import {
  compileScope,
  isProjectRelativePattern,
  normalizePattern,
  normalizeRelativePath,
} from "../domain/scope.js";
import type { RepoReader } from "./repo-reader.js";

/** Directories never listed (upstream `grace lint` ignores the same set). */
export const IGNORED_DIRS: ReadonlySet<string> = new Set([
  ".git",
  "node_modules",
  "dist",
  "build",
  "coverage",
  ".next",
  ".turbo",
  ".cache",
]);

function outside(candidate: string): OrchestratorError {
  return new OrchestratorError(`Path outside project root: ${candidate}`);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

export class FsRepoReader implements RepoReader {
  readonly root: string;

  constructor(root: string) {
    this.root = realpathSync(root);
  }

  /** Absolute real path of a project-relative path, null if it does not exist. */
  resolve(relPath: string): string | null {
    const checked = normalizeRelativePath(relPath);
    if (!checked.ok) throw outside(relPath);
    let real: string;
    try {
      real = realpathSync(path.join(this.root, ...checked.path.split("/")));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    if (real !== this.root && !real.startsWith(this.root + path.sep)) throw outside(relPath);
    return real;
  }

  readText(relPath: string): string | null {
    const real = this.resolve(relPath);
    if (real === null || !statSync(real).isFile()) return null;
    return readFileSync(real, "utf8");
  }

  exists(relPath: string): boolean {
    return this.resolve(relPath) !== null;
  }

  list(globOrDir: string): string[] {
    if (!isProjectRelativePattern(globOrDir)) throw outside(globOrDir);
    const pattern = normalizePattern(globOrDir);
    const scan = picomatch.scan(pattern);
    if (!scan.isGlob) {
      const real = this.resolve(pattern);
      if (real === null) return [];
      return statSync(real).isDirectory() ? this.walk(pattern) : [pattern];
    }
    const base = scan.base;
    if (base !== "" && this.resolve(base) === null) return [];
    const matcher = compileScope([pattern]);
    return this.walk(base).filter((file) => matcher.test(file));
  }

  /** Files below a project-relative directory ("" = root); symlinked dirs are not entered. */
  private walk(baseRel: string): string[] {
    const out: string[] = [];
    const visit = (rel: string): void => {
      const abs = rel === "" ? this.root : path.join(this.root, ...rel.split("/"));
      for (const entry of readdirSync(abs, { withFileTypes: true })) {
        const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!IGNORED_DIRS.has(entry.name)) visit(child);
        } else if (entry.isFile()) {
          out.push(child);
        } else if (entry.isSymbolicLink() && this.isInsideFile(child)) {
          out.push(child);
        }
      }
    };
    visit(baseRel);
    return out.sort();
  }

  private isInsideFile(rel: string): boolean {
    try {
      const real = this.resolve(rel);
      return real !== null && statSync(real).isFile();
    } catch {
      return false; // a link leaving the repo is simply not listed
    }
  }
}
