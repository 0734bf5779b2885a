/**
 * Names a Windows file system cannot hold. Git for Windows refuses to check out a path with one
 * of them (core.protectNTFS, on by default), so a change that writes one can never be merged into
 * a Windows checkout, which is where this workflow's users work. Each rule names its reason; the
 * first that matches a path's segment refuses it.
 */
// Device names, with any extension and trailing spaces (`con.ts`, `NUL .txt`); the superscript
// digits are the ones Windows also reserves after COM and LPT.
const DEVICE = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)$/i;

const SEGMENT_RULES: readonly { reason: string; matches: (segment: string) => boolean }[] = [
  {
    reason: `a character Windows does not allow in a name (< > : " | ? * or a control character)`,
    // eslint-disable-next-line no-control-regex -- control characters are what this rule refuses
    matches: (segment) => /[<>:"|?*\u0000-\u001f]/.test(segment),
  },
  { reason: "a name ending in a dot or a space", matches: (segment) => /[. ]$/.test(segment) },
  {
    reason: "a reserved device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, CONIN$, CONOUT$)",
    matches: (segment) => DEVICE.test((segment.split(".")[0] ?? "").trimEnd()),
  },
];

/** Why Windows cannot hold this repository-relative POSIX path, or null when it can. */
export function windowsNameProblem(path: string): string | null {
  for (const segment of path.split("/")) {
    const rule = SEGMENT_RULES.find((r) => r.matches(segment));
    if (rule) return `${rule.reason}: ${JSON.stringify(segment)}`;
  }
  return null;
}
