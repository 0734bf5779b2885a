/**
 * vitest's asymmetric matchers typed `unknown` instead of `any`: they stand in for a value inside
 * an expected object, where typed lint refuses an `any`. Same matchers, nothing added.
 */
import { expect } from "vitest";

export const anyString = (): unknown => expect.any(String);
export const stringContaining = (text: string): unknown => expect.stringContaining(text);
export const objectContaining = (subset: Record<string, unknown>): unknown => expect.objectContaining(subset);
