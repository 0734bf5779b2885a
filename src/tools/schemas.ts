import { z } from "zod";
import { JSON_ARG_MAX_BYTES, JSON_ARG_MAX_DEPTH, jsonBytes, jsonDepth } from "../domain/limits.js";

/** Shared argument shapes. Every string is bounded so an oversized argument is refused before any work. */
export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const name = z.string().trim().min(1).max(200);
export const shortText = z.string().max(2_000);
export const requiredText = z.string().trim().min(1).max(20_000);
export const longText = z.string().max(100_000);
export const pattern = z.string().trim().min(1).max(1_000);
export const stringList = z.array(z.string().max(2_000)).max(500);
export const patternList = z.array(pattern).max(500);
const jsonObject = z.record(z.string().max(200), z.unknown());
export const argv = z.array(z.string().min(1).max(4_000)).min(1).max(200);
const envNames = z.array(z.string().min(1).max(128)).max(64);
export const reason = z.string().trim().min(1).max(4_000);

export interface JsonLimits {
  maxBytes: number;
  maxDepth: number;
}

export const JSON_ARG_LIMITS: JsonLimits = { maxBytes: JSON_ARG_MAX_BYTES, maxDepth: JSON_ARG_MAX_DEPTH };

/**
 * A free-form JSON argument bounded in serialized size and nesting depth: the refusal names the
 * field and the limit, and comes before any work, so nothing oversized is ever stored.
 */
export function boundedJson<T extends z.ZodType>(
  field: string,
  schema: T,
  limits: JsonLimits = JSON_ARG_LIMITS,
) {
  return schema.superRefine((value, ctx) => {
    const depth = jsonDepth(value, limits.maxDepth);
    if (depth > limits.maxDepth) {
      ctx.addIssue({
        code: "custom",
        message: `${field} is nested more than ${limits.maxDepth} levels deep; the limit is ${limits.maxDepth} levels`,
      });
      return;
    }
    const bytes = jsonBytes(value);
    if (bytes > limits.maxBytes) {
      ctx.addIssue({
        code: "custom",
        message: `${field} is ${bytes} bytes of JSON; the limit is ${limits.maxBytes} bytes`,
      });
    }
  });
}

/** A free-form JSON object argument (report, packet, mapping), bounded like every free-form argument. */
export function jsonArg(field: string, limits: JsonLimits = JSON_ARG_LIMITS) {
  return boundedJson(field, jsonObject, limits);
}

export const testCommands = boundedJson(
  "allowed_test_commands",
  z.record(
    z.string().trim().min(1).max(200),
    z.union([
      argv,
      z.strictObject({
        argv,
        env: envNames.optional().describe("Names (not values) of extra environment variables it needs"),
      }),
    ]),
  ),
);

/** Record ids, each described with the tool that returns it, so an agent knows where to get one. */
export const projectId = id.describe("From project.init");
export const taskId = id.describe("From task.create_codex_task");
export const packageId = id.describe("From workpackage.create");
export const sessionId = id.describe("From mimo.launch_package");
export const agentName = name.describe("From agent.register");
export const why = reason.describe("Audited");
export const commit = z.string().trim().min(4).max(200).describe("Commit SHA or ref");

/** A fixed set from src/domain as an enum, so agents see the allowed values and get them named on refusal. */
export function oneOf<T extends string>(values: readonly T[]) {
  return z.enum(values as unknown as [T, ...T[]], {
    error: (issue) => `must be one of ${values.join(", ")}, got ${shown(issue.input)}`,
  });
}

/** A refused value as a refusal quotes it: its JSON, cut short so a huge value stays out of the answer. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Tool inputs reject unknown keys: a misspelt argument is an error, never silently ignored. */
export function args<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape);
}
