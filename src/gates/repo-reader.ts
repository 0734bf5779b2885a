/**
 * The only way gates touch the file system: an injected, read-only view of one repository.
 * Paths are project-relative POSIX paths; implementations must confine them to the root.
 */
export interface RepoReader {
  /** File text (UTF-8), or null when the path does not exist or is not a file. */
  readText(relPath: string): string | null;
  /** True when the path exists (file or directory). */
  exists(relPath: string): boolean;
  /**
   * Project-relative files matching a glob (scope semantics, see domain/scope.ts), or every
   * file below a directory when given one. Sorted; ignored directories are skipped.
   */
  list(globOrDir: string): string[];
}
