import { escapeRegExp } from "../domain/regex.js";
/**
 * Project-local `<!-- @rule id="X" -->` … `<!-- @rule-end id="X" -->` blocks in Markdown
 * (not upstream GRACE; the original orchestrator's layer). Markdown, so a pattern scan.
 */
export interface RuleBlock {
  id: string;
  body: string;
}

const OPEN = /<!--\s*@rule\s+id="([A-Za-z0-9_-]+)"[^>]*-->/g;

export function ruleOpenPattern(id: string): RegExp {
  return new RegExp(`<!--\\s*@rule\\s+id="${escapeRegExp(id)}"`);
}

export function ruleClosePattern(id: string): RegExp {
  return new RegExp(`<!--\\s*@rule-end\\s+id="${escapeRegExp(id)}"\\s*-->`);
}

/** Blocks with their text up to the matching end marker (or end of file when unclosed). */
export function extractRuleBlocks(text: string): RuleBlock[] {
  const out: RuleBlock[] = [];
  for (const match of text.matchAll(OPEN)) {
    const id = match[1] ?? "";
    const start = (match.index ?? 0) + match[0].length;
    const close = ruleClosePattern(id).exec(text.slice(start));
    out.push({ id, body: close ? text.slice(start, start + close.index) : text.slice(start) });
  }
  return out;
}
