/**
 * What three kinds of tool clients accept of a tool's JSON Schema, as data: keywords refused
 * anywhere, keywords refused at the top, and what the top must be. `checkTool` lists every
 * violation with its path, so a failing test names the tool, the rule set and the place.
 */
export interface RuleSet {
  name: string;
  /** Keywords that must not appear in any (sub)schema of inputSchema. */
  forbiddenAnywhere: readonly string[];
  /** Keywords that must not appear at the top of inputSchema. */
  forbiddenAtTop: readonly string[];
  /** The top of inputSchema (and outputSchema when present) must have type "object". */
  topIsObject: boolean;
  /** `type` must be one string, never an array of types. */
  singleType: boolean;
  /** `enum` values must all be strings. */
  stringEnums: boolean;
}

export const RULE_SETS: readonly RuleSet[] = [
  {
    // Gemini function declarations: the OpenAPI 3.0 subset of Schema.
    name: "gemini",
    forbiddenAnywhere: [
      "$schema",
      "$ref",
      "$defs",
      "additionalProperties",
      "exclusiveMinimum",
      "exclusiveMaximum",
      "propertyNames",
      "patternProperties",
      "const",
      "oneOf",
      "allOf",
      "not",
    ],
    forbiddenAtTop: [],
    topIsObject: true,
    singleType: true,
    stringEnums: true,
  },
  {
    // OpenAI function calling: parameters is an object schema; strict mode's unsupported keywords.
    name: "openai",
    forbiddenAnywhere: [
      "allOf",
      "not",
      "if",
      "then",
      "else",
      "dependentRequired",
      "dependentSchemas",
      "patternProperties",
      "propertyNames",
      "unevaluatedProperties",
    ],
    forbiddenAtTop: ["anyOf", "oneOf", "enum", "not"],
    topIsObject: true,
    singleType: false,
    stringEnums: false,
  },
  {
    // MCP: inputSchema (and outputSchema) are JSON Schema objects of type "object".
    name: "mcp",
    forbiddenAnywhere: [],
    forbiddenAtTop: [],
    topIsObject: true,
    singleType: false,
    stringEnums: false,
  },
];

type Schema = Record<string, unknown>;

function isSchema(v: unknown): v is Schema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function subschemas(s: Schema): [string, Schema][] {
  const out: [string, Schema][] = [];
  if (isSchema(s.properties)) {
    for (const [k, v] of Object.entries(s.properties)) if (isSchema(v)) out.push([`.${k}`, v]);
  }
  if (isSchema(s.items)) out.push(["[]", s.items]);
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const list = s[key];
    if (Array.isArray(list)) list.forEach((v, i) => isSchema(v) && out.push([`${key}[${i}]`, v]));
  }
  return out;
}

function walk(s: Schema, path: string, rules: RuleSet, out: string[]): void {
  for (const k of rules.forbiddenAnywhere) if (k in s) out.push(`${path}: ${k}`);
  if (rules.singleType && Array.isArray(s.type)) out.push(`${path}: type array`);
  if (rules.stringEnums && Array.isArray(s.enum) && s.enum.some((v) => typeof v !== "string")) {
    out.push(`${path}: non-string enum`);
  }
  for (const [step, sub] of subschemas(s)) walk(sub, path + step, rules, out);
}

export function checkTool(
  tool: { inputSchema: Schema; outputSchema?: Schema | undefined },
  rules: RuleSet,
): string[] {
  const out: string[] = [];
  for (const k of rules.forbiddenAtTop) if (k in tool.inputSchema) out.push(`top: ${k}`);
  if (rules.topIsObject && tool.inputSchema.type !== "object") out.push("inputSchema: type is not object");
  if (rules.topIsObject && tool.outputSchema && tool.outputSchema.type !== "object") {
    out.push("outputSchema: type is not object");
  }
  walk(tool.inputSchema, "input", rules, out);
  return out;
}

/** Paths of parameters (at any depth of an object) that carry no description. */
export function undescribed(s: Schema, path = ""): string[] {
  const out: string[] = [];
  if (!isSchema(s.properties)) return out;
  for (const [k, v] of Object.entries(s.properties)) {
    if (!isSchema(v)) continue;
    if (typeof v.description !== "string" || v.description.trim() === "") out.push(`${path}${k}`);
    out.push(...undescribed(v, `${path}${k}.`));
  }
  return out;
}

/** What the protocol assumes of a tool when a hint is absent from its annotations. */
export const MCP_HINT_DEFAULTS = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
} as const;

export interface Hints {
  readOnly: boolean;
  destructive: boolean;
  idempotent: boolean;
  openWorld: boolean;
}

/** A tool's four hints as a client reads them: each listed hint, else the protocol's default. */
export function readHints(annotations: Record<string, unknown> | undefined): Hints {
  const a: Record<string, unknown> = { ...MCP_HINT_DEFAULTS, ...annotations };
  return {
    readOnly: a.readOnlyHint === true,
    destructive: a.destructiveHint === true,
    idempotent: a.idempotentHint === true,
    openWorld: a.openWorldHint === true,
  };
}
