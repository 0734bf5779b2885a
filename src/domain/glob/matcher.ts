/**
 * A parsed pattern against a normalized project-relative path. Segments are matched like
 * characters in `segment.ts`: a set of live pattern positions, where `**` stays live over any
 * number of path segments. Cost: (path segments) × (pattern segments) × one segment match,
 * linear in the length of the path.
 */
import type { Alternative, Segment } from "./pattern.js";
import { matchSegment } from "./segment.js";

function segmentMatches(segment: Segment, name: string, nocase: boolean): boolean {
  if (segment.kind === "globstar") return true;
  if (segment.literal !== null && !nocase) return segment.literal === name;
  return matchSegment(segment.atoms, name, nocase);
}

function closeOverGlobstars<T extends Uint8Array>(alt: Alternative, set: T): T {
  for (let i = 0; i < alt.length; i++) if (set[i] && alt[i]!.kind === "globstar") set[i + 1] = 1;
  return set;
}

export function matchAlternative(alt: Alternative, names: readonly string[], nocase: boolean): boolean {
  let live = new Uint8Array(alt.length + 1);
  live[0] = 1;
  closeOverGlobstars(alt, live);
  for (const name of names) {
    const next = new Uint8Array(alt.length + 1);
    let any = false;
    for (let i = 0; i < alt.length; i++) {
      if (!live[i]) continue;
      const segment = alt[i]!;
      if (segment.kind === "globstar") next[i] = 1;
      else if (!segmentMatches(segment, name, nocase)) continue;
      else next[i + 1] = 1;
      any = true;
    }
    if (!any) return false;
    live = closeOverGlobstars(alt, next);
  }
  return live[alt.length] === 1;
}
