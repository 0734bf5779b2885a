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

/**
 * How each worker-report label is shown: its JSON form and, where the name alone does not say what
 * to write, a few words.
 */
const REPORT_FIELDS: Readonly<Record<string, [Shown, string?]>> = {
  "operation id": [TEXT, "From the briefing"],
  "authority mode": [TEXT, "From the briefing, e.g. codex_led"],
  "task id": [INT],
  "module id": [TEXT, "The package's M-* id"],
  "files read": [LIST],
  "files changed": [LIST, "Exactly the files of your commits"],
  "contract delta": [TEXT, "Or none"],
  "commands run with exact results": [LIST, "Each command with its exact result"],
  "what is scaffolded": [TEXT, "Exists, not wired yet"],
  "what is wired": [TEXT, "Connected end to end"],
  "what is verified": [TEXT, "Proved by a named test or command"],
  "unverified gaps": [TEXT, "Or none"],
  "stop conditions encountered": [TEXT, "Or none"],
  "protected-test and forbidden-scope statement": [TEXT, "That no protected test or forbidden file changed"],
  "graph delta proposal": [TEXT, "Knowledge-graph change, or none"],
  "verification delta proposal": [TEXT, "Verification-plan change, or none"],
  "next action": [TEXT],
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

/** The packet labels whose name alone does not say what goes in them. */
const PACKET_HINTS: Readonly<Record<string, string>> = {
  "contract discovery report": "A gate.contract_discovery answer",
  "compact worker report format": "Report fields the worker fills",
  "allowed files": "Globs inside the task's allowed_files",
  "retry budget": "Repair rounds allowed",
};

function field(shown: Shown, description?: string) {
  return z
    .unknown()
    .optional()
    .meta(description === undefined ? shown : { ...shown, description });
}

type Describe = (label: string) => [Shown, string?];

function shapeOf(specs: readonly LabelSpec[], describe: Describe) {
  return Object.fromEntries(specs.map((s) => [canonicalKey(s.label), field(...describe(s.label))]));
}

const reportField: Describe = (label) => REPORT_FIELDS[label] ?? [TEXT];
const WORK_PACKAGE_ID: [Shown, string] = [INT, "0 for a controller task completion"];

export const WORKER_REPORT_SHAPE = {
  ...shapeOf(WORKER_REPORT_LABEL_SPECS, reportField),
  work_package_id: field(...WORK_PACKAGE_ID),
};

/** The same fields with their types only, for a tool listed beside submission.create. */
const WORKER_REPORT_FIELDS = {
  ...shapeOf(WORKER_REPORT_LABEL_SPECS, (label) => [reportField(label)[0]]),
  work_package_id: field(WORK_PACKAGE_ID[0]),
};

export const EXECUTION_PACKET_SHAPE = shapeOf(PACKET_LABEL_SPECS, (label) => [
  PACKET_FORMS[label] ?? TEXT,
  PACKET_HINTS[label],
]);

/**
 * A worker (or controller) report argument: typed fields shown, every label alias accepted. With
 * `described: false` the fields are listed without their descriptions, which submission.create
 * carries, so a list that holds both tools says them once.
 */
export function reportArg(fieldName: string, description: string, described = true) {
  const shape = described ? WORKER_REPORT_SHAPE : WORKER_REPORT_FIELDS;
  return boundedJson(fieldName, z.looseObject(shape)).describe(description);
}

export function packetArg(fieldName: string, description: string) {
  return boundedJson(fieldName, z.looseObject(EXECUTION_PACKET_SHAPE)).describe(description);
}
