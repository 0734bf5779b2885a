/**
 * The status snapshot as one self-contained HTML page: no script, no external style, font or
 * image, so it opens offline and can be mailed. Every value from the ledger is escaped.
 */
import { ago, timeLeft } from "./ages.js";
import type { AttentionItem } from "./attention.js";
import { NO_PROJECTS } from "./render.js";
import type { PackageView, StatusSnapshot } from "./snapshot.js";
import type { TimelineEntry, TimelineKind } from "./timeline.js";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const COLORS: Record<TimelineKind, string> = {
  event: "#d97706",
  review: "#2563eb",
  launch: "#16a34a",
  continuation: "#9333ea",
};

const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;color:#111}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}h3{font-size:14px;margin:16px 0 4px}
.attention{background:#fee2e2;border:1px solid #ef4444;padding:8px 12px}
.ok{color:#15803d}.bad{color:#b91c1c}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
.legend span{display:inline-block;margin-right:12px}`;

const SVG_WIDTH = 720;
const ROW = 18;

function timelineSvg(entries: readonly TimelineEntry[]): string {
  if (entries.length === 0) return "<p>No timeline entries.</p>";
  const times = entries.map((e) => Date.parse(e.at));
  const first = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - first);
  const height = 30 + entries.length * ROW;
  const x = (t: number) => 20 + ((t - first) / span) * (SVG_WIDTH - 260);
  const marks = entries.map((e, i) => {
    const cx = x(times[i]!).toFixed(1);
    const cy = 20 + i * ROW;
    const label = escapeHtml(`${e.at} ${e.label}`);
    return (
      `<circle class="mark ${e.kind}" cx="${cx}" cy="${cy}" r="6" fill="${COLORS[e.kind]}"><title>${label}</title></circle>` +
      `<text x="${Number(cx) + 10}" y="${cy + 4}" font-size="11">${escapeHtml(e.label.slice(0, 60))}</text>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${SVG_WIDTH}" height="${height}" role="img">` +
    `<line x1="20" y1="8" x2="20" y2="${height - 8}" stroke="#999"/>${marks.join("")}</svg>`
  );
}

function attentionHtml(items: readonly AttentionItem[], now: Date): string {
  if (items.length === 0) return `<p class="ok" id="attention">Needs attention: nothing</p>`;
  const rows = items.map((i) => {
    const when = i.deadline ? timeLeft(i.deadline, now) : ago(i.at, now);
    const where = i.work_package_id !== null ? `WP #${i.work_package_id}` : (i.ref ?? "");
    return `<li>${escapeHtml(`${where} ${i.state}, ${when}: ${i.message}`)}</li>`;
  });
  return `<div class="attention" id="attention"><strong>Needs attention (${items.length})</strong><ul>${rows.join("")}</ul></div>`;
}

function packageHtml(w: PackageView, entries: readonly TimelineEntry[]): string {
  return (
    `<section class="package" data-id="${w.id}"><h3>${escapeHtml(`WP #${w.id}: ${w.title} [${w.status}]`)}</h3>` +
    `${timelineSvg(entries)}</section>`
  );
}

function supervisorHtml(snap: StatusSnapshot, now: Date): string {
  const s = snap.supervisor;
  if (s.state === "alive")
    return `<p class="ok" id="supervisor">Supervisor running (pid ${s.pid}, last beat ${ago(s.at, now)})</p>`;
  const text =
    s.state === "not_running"
      ? `Supervisor NOT running (last beat ${ago(s.at, now)})`
      : "Supervisor never started";
  return `<p class="bad" id="supervisor">${escapeHtml(text)}</p>`;
}

export function renderHtml(snap: StatusSnapshot, lines: ReadonlyMap<number, TimelineEntry[]>): string {
  const now = new Date(snap.snapshot_timestamp);
  const legend = Object.entries(COLORS)
    .map(
      ([kind, color]) =>
        `<span><svg width="12" height="12"><circle cx="6" cy="6" r="5" fill="${color}"/></svg> ${kind}</span>`,
    )
    .join("");
  const projects = snap.projects.map((p) => {
    const tasks = p.tasks.map(
      (t) =>
        `<h2>${escapeHtml(`Project #${p.id} ${p.name} / Task #${t.id}: ${t.title} [${t.status}]`)}</h2>` +
        `<p>${escapeHtml(`Next: ${t.next_action.role} -> ${t.next_action.action}`)}</p>` +
        t.work_packages.map((w) => packageHtml(w, lines.get(w.id) ?? [])).join(""),
    );
    return tasks.join("");
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GRACE status ${escapeHtml(snap.snapshot_timestamp)}</title>
<style>${STYLE}</style></head><body>
<h1>GRACE Orchestrator status</h1>
<p>Snapshot ${escapeHtml(snap.snapshot_timestamp)}: projects: ${snap.projects_count}, tasks: ${snap.counts.tasks}, work packages: ${snap.counts.work_packages}, open deliveries: ${snap.counts.open_deliveries}</p>
${supervisorHtml(snap, now)}
${attentionHtml(snap.needs_attention, now)}
<p class="legend">${legend}</p>
${projects.join("\n") || `<p>${escapeHtml(NO_PROJECTS)}</p>`}
</body></html>
`;
}
