/** What one OS query says about a pid; "unknown" is never turned into a guess. */
export type StartProbe =
  | { state: "found"; startTime: string; executablePath?: string }
  | { state: "gone" }
  | { state: "unknown"; reason: string };

export interface ProbeOptions {
  /** Which backend to use; defaults to process.platform. */
  platform?: NodeJS.Platform;
  /** Linux: where procfs is mounted (tests point this at a prepared directory). */
  procRoot?: string;
  /** macOS: the `ps` executable (absolute path; no PATH lookup, no shell). */
  psPath?: string;
}

export const UNKNOWN = "UNKNOWN";
