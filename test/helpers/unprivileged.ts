import fs from "node:fs";
import path from "node:path";

/** The uid and gid tests drop to when they run as root: a user that file modes really stop. */
export const NOBODY = 65_534;

/**
 * Why a child dropped to NOBODY could not run `files` (this checkout's Node and built modules), or
 * false when it can: it must be able to enter every directory above them. A checkout under a 0700
 * home or a `mktemp -d` folder is out of its reach, and a test run there says so instead of failing.
 */
export function unreachableForNobody(...files: string[]): string | false {
  for (const file of files) {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      const st = fs.statSync(dir);
      if ((st.mode & 0o001) === 0 && st.uid !== NOBODY) {
        return `uid ${NOBODY} cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)}); clone the checkout where other users can read it`;
      }
      if (dir === path.dirname(dir)) break;
    }
  }
  return false;
}
