import { z } from "zod";
import {
  PACKET_LABEL_SPECS,
  WORKER_REPORT_LABEL_SPECS,
  canonicalKey,
  type LabelSpec,
} from "../gates/labels.js";
import { boundedJson } from "./schemas.js";

/**
 * The worker report and the execution packet as typed objects: every label of src/gates/labels.ts
 * is a named, described field (its snake_case key), so an agent sees the fields before a gate
 * refuses. The gates still accept every alias of a label (e.g. "files changed"), so fields are
 * optional here, extra keys pass through, and the JSON type shown is the form the gates expect;
 * presence, emptiness and the id and scope checks stay the gates' rules.
 */
type Shown =
  | { type: "string" }
  | { type: "integer" }
  | { type: "array"; items: { type: "string" } }
  | { type: "object" };

const TEXT: Shown = { type: "string" };
const INT: Shown = { type: "integer" };
const LIST: Shown = { type: "array", items: { type: "string" } };
const OBJECT: Shown = { type: "object" };

/** How each worker-report label is shown: its JSON form and what the agent writes in it. */
const REPORT_FIELDS: Readonly<Record<string, [Shown, string]>> = {
  "operation id": [TEXT, "Operation id from the briefing"],
  "authority mode": [TEXT, "Authority mode from the briefing (e.g. codex_led)"],
  "task id": [INT, "The task id"],
  "module id": [TEXT, "The package's M-* module id"],
  "files read": [LIST, "Files you read"],
  "files changed": [LIST, "Files you changed: exactly the files of your commits ([] if none)"],
  "contract delta": [TEXT, "How the contracts changed, or none"],
  "commands run with exact results": [LIST, "Each command you ran with its exact result"],
  "what is scaffolded": [TEXT, "What exists but is not wired yet"],
  "what is wired": [TEXT, "What is connected end to end"],
  "what is verified": [TEXT, "What a test or command proved, naming it"],
  "unverified gaps": [TEXT, "What is not verified, or none"],
  "stop conditions encountered": [TEXT, "Stop conditions you hit, or none"],
  "protected-test and forbidden-scope statement": [
    TEXT,
    "States that no protected test or forbidden file was changed",
  ],
  "graph delta proposal": [TEXT, "Proposed knowledge-graph change, or none"],
  "verification delta proposal": [TEXT, "Proposed verification-plan change, or none"],
  "next action": [TEXT, "What should happen next"],
};

/** Packet labels whose value is not one line of text; the rest are text. */
const PACKET_FORMS: Readonly<Record<string, Shown>> = {
  "allowed files": LIST,
  "forbidden files": LIST,
  "forbidden model flags": LIST,
  "required contracts read": LIST,
  "test surface": LIST,
  "commands allowed": LIST,
  "stop conditions": LIST,
  "compact worker report format": LIST,
  "contract discovery report": OBJECT,
  "glm scan/plan report": OBJECT,
  "session routing": OBJECT,
  "operation isolation": OBJECT,
};

const PACKET_HINTS: Readonly<Record<string, string>> = {
  "contract discovery report": "The answer of gate.contract_discovery",
  "compact worker report format": "The worker-report fields the worker must fill",
  "allowed files": "Globs inside the task's allowed_files",
  "retry budget": "How many repair rounds are allowed",
};

function field(shown: Shown, description: string) {
  return z
    .unknown()
    .optional()
    .meta({ ...shown, description });
}

function shapeOf(specs: readonly LabelSpec[], describe: (label: string) => [Shown, string]) {
  return Object.fromEntries(specs.map((s) => [canonicalKey(s.label), field(...describe(s.label))]));
}

export const WORKER_REPORT_SHAPE = {
  ...shapeOf(WORKER_REPORT_LABEL_SPECS, (label) => REPORT_FIELDS[label] ?? [TEXT, label]),
  work_package_id: field(INT, "The work package id (0 for a controller task completion)"),
};

export const EXECUTION_PACKET_SHAPE = shapeOf(PACKET_LABEL_SPECS, (label) => [
  PACKET_FORMS[label] ?? TEXT,
  PACKET_HINTS[label] ?? `The packet's "${label}"`,
]);

/** A worker (or controller) report argument: typed fields shown, every label alias accepted. */
export function reportArg(fieldName: string, description: string) {
  return boundedJson(fieldName, z.looseObject(WORKER_REPORT_SHAPE)).describe(description);
}

export function packetArg(fieldName: string, description: string) {
  return boundedJson(fieldName, z.looseObject(EXECUTION_PACKET_SHAPE)).describe(description);
}
