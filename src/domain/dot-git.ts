// Code points HFS+ ignores in a name, so `.g\u200cit` is `.git` there.
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;
// `.git` in any case, with the trailing dots and spaces or the `:stream` NTFS drops, or its 8.3 name.
const DOT_GIT = /^(\.git[. ]*(:.*)?|git~1[. ]*)$/i;

/**
 * A name git refuses to check out because a file system may read it as `.git`: a change holding
 * one plants a nested repository's config or hooks, and can never be merged.
 */
export function isDotGitName(name: string): boolean {
  return DOT_GIT.test(name.replace(HFS_IGNORED, ""));
}
