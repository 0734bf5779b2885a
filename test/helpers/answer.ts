/**
 * Typed reads of parsed JSON (a tool answer, an events file line). The value stays `unknown` until
 * a read narrows it: each reader follows a path of keys and indexes and checks the type it
 * promises, throwing with the path and the value found, so a test fails at the field whose shape
 * changed instead of passing an untyped value along.
 */
import { isRecord } from "../../src/gates/labels.js";

export type Answer = Record<string, unknown>;
type Key = string | number;

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function where(path: readonly Key[]): string {
  return ["answer", ...path.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`))].join("");
}

/** The value at `path` (object keys and array indexes); undefined where the path ends early. */
export function at(value: unknown, ...path: Key[]): unknown {
  let current = value;
  for (const [step, key] of path.entries()) {
    if (typeof key === "number" ? !Array.isArray(current) : !isRecord(current))
      throw new TypeError(
        `${where(path.slice(0, step))}: expected ${typeof key === "number" ? "a list" : "an object"}, got ${shown(current)}`,
      );
    current = (current as Record<Key, unknown>)[key];
  }
  return current;
}

function typed<T>(value: unknown, path: Key[], expected: string, ok: (v: unknown) => v is T): T {
  const found = at(value, ...path);
  if (!ok(found)) throw new TypeError(`${where(path)}: expected ${expected}, got ${shown(found)}`);
  return found;
}

const isNumber = (v: unknown): v is number => typeof v === "number";
const isString = (v: unknown): v is string => typeof v === "string";
const isList = (v: unknown): v is unknown[] => Array.isArray(v);
const isRecordList = (v: unknown): v is Answer[] => Array.isArray(v) && v.every(isRecord);

export const num = (value: unknown, ...path: Key[]): number => typed(value, path, "a number", isNumber);
export const str = (value: unknown, ...path: Key[]): string => typed(value, path, "a string", isString);
export const list = (value: unknown, ...path: Key[]): unknown[] => typed(value, path, "a list", isList);
export const record = (value: unknown, ...path: Key[]): Answer => typed(value, path, "an object", isRecord);
export const objects = (value: unknown, ...path: Key[]): Answer[] =>
  typed(value, path, "a list of objects", isRecordList);

/** Parses JSON text into `unknown`, for the readers above. */
export function parsed(text: string): unknown {
  return JSON.parse(text);
}

/** An answer that names a created record: its numeric `id` checked and typed. */
export function withId(answer: Answer): Answer & { id: number } {
  return { ...answer, id: num(answer, "id") };
}
