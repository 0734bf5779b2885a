/** Human ages and time-left texts ("3 min ago", "in 4 min", "overdue by 2 min"), pure and rounded down. */

const UNITS: readonly [number, string][] = [
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "min"],
  [1_000, "s"],
];

/** A positive duration in its largest whole unit: 59 s, 3 min, 2 h, 4 d. */
export function duration(ms: number): string {
  const abs = Math.max(0, ms);
  for (const [size, unit] of UNITS) if (abs >= size) return `${Math.floor(abs / size)} ${unit}`;
  return "0 s";
}

/** How long ago `iso` was at `now`; under a second is "just now". */
export function ago(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (!Number.isFinite(ms)) return "at an unknown time";
  return ms < 1_000 ? "just now" : `${duration(ms)} ago`;
}

/** Time until a deadline: "4 min left", or "overdue by 2 min" once it passed. */
export function timeLeft(deadlineIso: string, now: Date): string {
  const ms = Date.parse(deadlineIso) - now.getTime();
  if (!Number.isFinite(ms)) return "no deadline";
  return ms >= 0 ? `${duration(ms)} left` : `overdue by ${duration(-ms)}`;
}
