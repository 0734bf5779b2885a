/** Text rendering of a status snapshot: a pure function of the snapshot. */
import { ago, timeLeft } from "./ages.js";
import type { AttentionItem } from "./attention.js";
import type { DeliveryView, PackageView, SessionView, StatusSnapshot, TaskView } from "./snapshot.js";

export interface RenderOptions {
  /** ANSI colours on status words; the CLI enables them only for a TTY. */
  color: boolean;
  /** `|-- ` / `+-- ` / `|   ` instead of box drawing, for terminals without UTF-8. */
  ascii: boolean;
}

interface Node {
  label: string;
  children: Node[];
}

/** What an empty ledger shows: the predecessor's sentence, then what registers a project. */
export const NO_PROJECTS =
  "No registered projects found. A controller registers one with the project.init tool (see the README's quickstart).";

const GLYPHS = {
  unicode: { mid: "├── ", last: "└── ", pipe: "│   ", blank: "    " },
  ascii: { mid: "|-- ", last: "+-- ", pipe: "|   ", blank: "    " },
};

const GOOD = new Set(["GLM_ACCEPTED", "CODEX_ACCEPTED", "TASK_CLOSED", "EXITED", "RESOLVED"]);
const BAD = new Set([
  "HUMAN_INTERVENTION_REQUIRED",
  "REPAIR_REQUIRED",
  "GLM_REJECTED_REPAIR_REQUIRED",
  "CODEX_REJECTED_REPAIR_REQUIRED",
  "FAILED",
  "CANCELLED",
  "WORKER_CRASHED",
  "WORKER_EXITED_WITHOUT_HANDOFF",
  "WORKER_UNRESPONSIVE",
  "WATCHDOG_UNCERTAIN",
  "ABANDONED",
  "DEAD_LETTER",
]);

export function renderText(snap: StatusSnapshot, options: RenderOptions): string {
  const paint = (state: string, text: string): string => {
    if (!options.color) return text;
    const code = GOOD.has(state) ? 32 : BAD.has(state) ? 31 : 33;
    return `\u001b[${code}m${text}\u001b[0m`;
  };
  const now = new Date(snap.snapshot_timestamp);
  const c = snap.counts;
  const lines = [
    `GRACE Orchestrator Status Snapshot [${snap.snapshot_timestamp}]`,
    supervisorLine(snap, now, paint),
    ...attentionLines(snap.needs_attention, now, paint),
    `Total Projects: ${snap.projects_count}, tasks: ${c.tasks}, work packages: ${c.work_packages}, ` +
      `running Mimo sessions: ${c.running_sessions}, open deliveries: ${c.open_deliveries}`,
    "=".repeat(60),
  ];
  if (snap.projects.length === 0) lines.push(NO_PROJECTS);
  for (const p of snap.projects) {
    lines.push(`Project #${p.id}: ${p.name} (Branch: ${p.main_branch})`);
    const tasks = p.tasks.map((t) => taskNode(t, paint, now));
    lines.push(...tree(tasks.length ? tasks : [leaf("No tasks.")], options.ascii));
  }
  lines.push("");
  const deliveries = snap.continuation_deliveries;
  if (deliveries.length === 0) {
    lines.push("No open continuation deliveries.");
  } else {
    lines.push(`Open continuation deliveries: ${deliveries.length}`);
    lines.push(
      ...tree(
        deliveries.map((d) => leaf(deliveryLabel(d, paint, now))),
        options.ascii,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

type Paint = (state: string, text: string) => string;

function supervisorLine(snap: StatusSnapshot, now: Date, paint: Paint): string {
  const s = snap.supervisor;
  if (s.state === "alive")
    return `Supervisor: ${paint("RESOLVED", "running")} (pid ${s.pid}, last beat ${ago(s.at, now)})`;
  if (s.state === "not_running")
    return `Supervisor: ${paint("FAILED", "NOT running")} (pid ${s.pid} gone, last beat ${ago(s.at, now)}): worker events start no controller`;
  return `Supervisor: ${paint("FAILED", "never started")} on this data dir: worker events start no controller`;
}

const ATTENTION_TEXT: Record<AttentionItem["kind"], string> = {
  escalation: "escalated to the user",
  worker_event: "worker asks for help",
  awaiting_ack: "controller started, awaiting ACK",
  dead_letter: "continuation dead-lettered",
  session_gone: "Mimo session process gone",
};

function attentionLines(items: readonly AttentionItem[], now: Date, paint: Paint): string[] {
  if (items.length === 0) return ["Needs attention: nothing"];
  const lines = [paint("FAILED", `Needs attention (${items.length}):`)];
  for (const i of items) {
    const where =
      i.work_package_id !== null ? `WP #${i.work_package_id} (task #${i.task_id ?? "?"})` : (i.ref ?? "");
    const when = i.deadline ? timeLeft(i.deadline, now) : ago(i.at, now);
    const what = i.kind === "worker_event" ? i.state : ATTENTION_TEXT[i.kind];
    const message = i.message ? `: ${i.message}` : "";
    lines.push(`  ! ${where} ${paint("FAILED", what)}, ${when}${message}`);
  }
  return lines;
}

function leaf(label: string): Node {
  return { label, children: [] };
}

function taskNode(t: TaskView, paint: Paint, now: Date): Node {
  const next = `Next: ${t.next_action.role} -> ${t.next_action.action}`;
  const packages = t.work_packages.map((w) => packageNode(w, paint, now));
  return {
    label: `Task #${t.id}: ${t.title} ${paint(t.status, `[${t.status}]`)} ${next}${sessionNote(t.controller_session_id)}`,
    children: packages.length ? packages : [leaf("No work packages.")],
  };
}

function packageNode(w: PackageView, paint: Paint, now: Date): Node {
  const assigned = [w.assigned_junior_agent, w.assigned_pro_agent].filter((a): a is string => a !== null);
  const parts = [`WP #${w.id}: ${w.title} ${paint(w.status, `[${w.status}]`)}`];
  if (w.claimed_by_agent) parts.push(`(Claimed: ${w.claimed_by_agent})`);
  if (assigned.length) parts.push(`(Assigned: ${assigned.join(", ")})`);
  const latest = w.latest_event
    ? `, latest: ${w.latest_event.type} ${ago(w.latest_event.created_at, now)}`
    : "";
  parts.push(`(Events: ${w.event_count}${latest})${sessionNote(w.controller_session_id)}`);
  return { label: parts.join(" "), children: w.mimo_sessions.map((s) => leaf(sessionLabel(s, paint))) };
}

function sessionNote(sessionId: string | null): string {
  return sessionId ? ` (Codex session: ${sessionId})` : "";
}

function sessionLabel(s: SessionView, paint: Paint): string {
  const pid = s.pid === null ? "" : s.process_gone ? ` PID:${s.pid} gone` : ` PID:${s.pid}`;
  const state = `[${s.lifecycle_state}${pid}]`;
  return `Mimo Session #${s.id}: ${s.assigned_agent} (${s.mode}) ${paint(s.lifecycle_state, state)}`;
}

function deliveryLabel(d: DeliveryView, paint: Paint, now: Date): string {
  const error = d.last_error ? ` last error: ${d.last_error}` : "";
  const next =
    Date.parse(d.next_attempt_at) <= now.getTime()
      ? "due now"
      : `in ${timeLeft(d.next_attempt_at, now).replace(/ left$/, "")}`;
  const when =
    d.state === "DEAD_LETTER" ? `dead-lettered (raised ${ago(d.created_at, now)})` : `next attempt ${next}`;
  return `${d.continuation_id} ${d.run_id} ${paint(d.state, `[${d.state}]`)} attempts: ${d.attempt_count}, ${when}${error}`;
}

function tree(nodes: readonly Node[], ascii: boolean, prefix = ""): string[] {
  const g = ascii ? GLYPHS.ascii : GLYPHS.unicode;
  const out: string[] = [];
  nodes.forEach((node, i) => {
    const last = i === nodes.length - 1;
    out.push(`${prefix}${last ? g.last : g.mid}${node.label}`);
    out.push(...tree(node.children, ascii, `${prefix}${last ? g.blank : g.pipe}`));
  });
  return out;
}
