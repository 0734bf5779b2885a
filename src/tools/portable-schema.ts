/**
 * JSON Schema as the strictest tool clients accept it. Zod emits draft-7 with keywords that
 * Gemini's function declarations refuse and that Codex strips anyway: the portable form has no
 * `$schema`, no `additionalProperties` or `propertyNames` (the server still refuses unknown
 * arguments and bounds every key), `minimum` instead of `exclusiveMinimum`, no bound at the
 * integer limits, no size bounds of strings and arrays, lower or upper (every one is enforced, and
 * a refusal names the field and its limit), and a single `type` (a nullable value lists it with `nullable: true`).
 * The server keeps validating against the full zod schema; this only shapes what is listed.
 */
export type JsonSchema = { [key: string]: unknown };

const DROPPED = new Set([
  "$schema",
  "additionalProperties",
  "propertyNames",
  "$id",
  "maxLength",
  "maxItems",
  "minLength",
  "minItems",
]);
const SAFE = Number.MAX_SAFE_INTEGER;

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNull(s: unknown): boolean {
  return isSchema(s) && s.type === "null";
}

/** `anyOf: [X, {type: null}]` → X with nullable; other unions stay unions of portable members. */
function collapseNullable(schema: JsonSchema): JsonSchema {
  const members = schema.anyOf;
  if (!Array.isArray(members) || !members.some(isNull)) return schema;
  const rest = members.filter((m) => !isNull(m));
  const { anyOf: _drop, ...outer } = schema;
  const inner = rest.length === 1 && isSchema(rest[0]) ? rest[0] : { anyOf: rest };
  return { ...inner, ...outer, nullable: true };
}

function singleType(schema: JsonSchema): JsonSchema {
  if (!Array.isArray(schema.type)) return schema;
  const types = schema.type.filter((t) => t !== "null");
  const nullable = types.length < schema.type.length;
  return { ...schema, type: types[0], ...(nullable ? { nullable: true } : {}) };
}

function bounds(schema: JsonSchema): JsonSchema {
  const out = { ...schema };
  if (typeof out.exclusiveMinimum === "number") {
    const min = out.exclusiveMinimum;
    out.minimum = out.type === "integer" ? Math.floor(min) + 1 : min;
    delete out.exclusiveMinimum;
  }
  if (typeof out.maximum === "number" && out.maximum >= SAFE) delete out.maximum;
  if (typeof out.minimum === "number" && out.minimum <= -SAFE) delete out.minimum;
  return out;
}

/**
 * `input`: the arguments' schema, made portable as above. `output`: a result's schema, which the
 * client validates answers against, so only loosened (nulls and unions kept as they are).
 */
export type SchemaUse = "input" | "output";

function children(schema: JsonSchema, use: SchemaUse): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue;
    if (key === "properties" && isSchema(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, isSchema(v) ? portableSchema(v, use) : v]),
      );
    } else if ((key === "items" || key === "not") && isSchema(value)) out[key] = portableSchema(value, use);
    else if ((key === "anyOf" || key === "oneOf" || key === "allOf") && Array.isArray(value)) {
      out[key] = value.map((v: unknown) => (isSchema(v) ? portableSchema(v, use) : v));
    } else out[key] = value;
  }
  return out;
}

export function portableSchema(schema: JsonSchema, use: SchemaUse = "input"): JsonSchema {
  if (use === "output") return bounds(children(schema, use));
  return bounds(singleType(children(collapseNullable(schema), use)));
}
