/** XML access for gates: well-formedness and a plain object tree via fast-xml-parser. */
import { createRequire } from "node:module";
import type * as Fxp from "fast-xml-parser";

export const ATTR = "@_";
export const TEXT = "#text";
export const COMMENT = "#comment";

// Loaded on first use: only gate calls parse XML, and the server's start-up should not pay for it.
const load = createRequire(import.meta.url);
let fxp: { parser: Fxp.XMLParser; validator: typeof Fxp.XMLValidator } | null = null;
function xml() {
  if (!fxp) {
    const { XMLParser, XMLValidator } = load("fast-xml-parser") as typeof Fxp;
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: ATTR,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      commentPropName: COMMENT,
      processEntities: true,
    });
    fxp = { parser, validator: XMLValidator };
  }
  return fxp;
}

export type XmlNode = Record<string, unknown>;

export type ParsedXml =
  { ok: true; rootName: string; root: XmlNode; tree: XmlNode } | { ok: false; error: string };

function isMeta(key: string): boolean {
  return key.startsWith("?") || key === COMMENT || key.startsWith(ATTR) || key === TEXT;
}

/** Parses one document; not well-formed or not exactly one root element → error text. */
export function parseXml(text: string): ParsedXml {
  const valid = xml().validator.validate(text);
  if (valid !== true) return { ok: false, error: `${valid.err.msg} (line ${valid.err.line})` };
  const tree = xml().parser.parse(text) as XmlNode;
  const roots = Object.keys(tree).filter((k) => !isMeta(k));
  const rootName = roots[0];
  if (roots.length !== 1 || rootName === undefined)
    return { ok: false, error: "expected exactly one root element" };
  const root = tree[rootName];
  return { ok: true, rootName, root: asNode(root), tree };
}

/** Element value as a node: text-only elements become `{ "#text": value }`. */
export function asNode(value: unknown): XmlNode {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as XmlNode;
  return typeof value === "string" ? { [TEXT]: value } : {};
}

/** All occurrences of a child element (repeated tags parse as arrays). */
export function childNodes(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(asNode) : [asNode(value)];
}

/** Child element names (attributes, text and comments excluded), in document order. */
export function childNames(node: XmlNode): string[] {
  return Object.keys(node).filter((k) => !isMeta(k));
}

export function attr(node: XmlNode, name: string): string | null {
  const value = node[ATTR + name];
  return typeof value === "string" ? value : null;
}

/** Every text value at or below the node (element text only; attributes excluded). */
export function textLeaves(node: XmlNode): string[] {
  const out: string[] = [];
  const visit = (value: unknown, key: string): void => {
    if (key.startsWith(ATTR) || key === COMMENT) return;
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach((v) => visit(v, key));
    else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  visit(node, "");
  return out;
}

/** Every comment body anywhere in the tree. */
export function commentBodies(tree: XmlNode): string[] {
  const out: string[] = [];
  const visit = (value: unknown, key: string): void => {
    if (key === COMMENT) {
      (Array.isArray(value) ? value : [value]).forEach((v) => typeof v === "string" && out.push(v));
    } else if (Array.isArray(value)) value.forEach((v) => visit(v, key));
    else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  visit(tree, "");
  return out;
}
