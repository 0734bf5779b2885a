import { z } from "zod";

/** Shared argument shapes. Every string is bounded so an oversized argument is refused before any work. */
export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const name = z.string().trim().min(1).max(200);
export const shortText = z.string().max(2_000);
export const requiredText = z.string().trim().min(1).max(20_000);
export const longText = z.string().max(100_000);
export const pattern = z.string().trim().min(1).max(1_000);
export const stringList = z.array(z.string().max(2_000)).max(500);
export const patternList = z.array(pattern).max(500);
export const jsonObject = z.record(z.string().max(200), z.unknown());
export const argv = z.array(z.string().min(1).max(4_000)).min(1).max(200);
export const testCommands = z.record(z.string().trim().min(1).max(200), argv);
export const reason = z.string().trim().min(1).max(4_000);

/** Tool inputs reject unknown keys: a misspelt argument is an error, never silently ignored. */
export function args<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape);
}
