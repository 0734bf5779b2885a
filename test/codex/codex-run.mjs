// What the real-Codex tests share: the README's Codex block, running `codex exec`, and reading the
// tool results Codex hands the scripted model.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../helpers/mcp-client.ts";

export function readme() {
  return fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
}

/**
 * The README's Codex block, exactly as written there, with each example path replaced by the
 * test's (`[from, to]` pairs, applied in order).
 */
export function readmeCodexBlock(replacements) {
  const match = /```toml\n(\[mcp_servers\.grace\][\s\S]*?)```/.exec(readme());
  assert.ok(match, "README.md has a ```toml block starting with [mcp_servers.grace]");
  const block = replacements.reduce((text, [from, to]) => text.replaceAll(from, to), match[1]);
  assert.ok(!block.includes("/home/me"), `every example path was substituted:\n${block}`);
  return block;
}

/** Codex's config.toml: the scripted model as the only provider, then the README's block. */
export function codexConfig(modelUrl, block) {
  return [
    'model = "scripted"',
    'model_provider = "scripted"',
    'approval_policy = "never"',
    'sandbox_mode = "read-only"',
    "",
    block,
    "[model_providers.scripted]",
    'name = "scripted"',
    `base_url = "${modelUrl}"`,
    'wire_api = "responses"',
    "",
  ].join("\n");
}

/** The JSON a tool answered, from the text Codex hands the model (it may add a prefix). */
export function toolJson(output) {
  const text = typeof output === "string" ? output : JSON.stringify(output);
  const start = text.indexOf("{");
  return JSON.parse(text.slice(start, text.lastIndexOf("}") + 1));
}

/** A tool output as the model reads it: Codex sends a string, or text parts (one per content item). */
function outputText(output) {
  if (typeof output === "string") return output;
  return Array.isArray(output) ? output.map((p) => p.text ?? "").join("\n") : JSON.stringify(output);
}

/** The user's prompt of a model request and the tool outputs Codex sent since it. */
export function outputsOf(body) {
  const input = Array.isArray(body.input) ? body.input : [];
  const lastUser = input.findLastIndex((i) => i.type === "message" && i.role === "user");
  const outputs = input.slice(lastUser + 1).filter((i) => i.type === "function_call_output");
  const prompt = JSON.stringify(input[lastUser]?.content ?? "");
  return {
    prompt,
    outputs: outputs.map((o) => outputText(o.output)),
  };
}

/** Runs a program to its end (killed after 180 s); returns its exit code and output. */
export function runProcess(program, args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** Runs `codex exec --json …` to its end; returns the JSONL events it printed. */
export async function runCodex(codex, args, options) {
  const r = await runProcess(codex, args, options);
  const events = r.out
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
  return { ...r, events };
}
