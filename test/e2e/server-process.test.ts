import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { SERVER_ENTRY, tempDir } from "../helpers/mcp-client.js";

function startRaw(env: Record<string, string>) {
  return spawnSync(process.execPath, [SERVER_ENTRY], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    input: "",
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("server process start-up", () => {
  test("missing identity: exits non-zero with ACTOR_IDENTITY_UNCONFIGURED and writes no ledger", () => {
    const dataDir = tempDir("noid");
    const r = startRaw({ GRACE_ORCHESTRATOR_DATA_DIR: dataDir, GRACE_ORCHESTRATOR_ACTOR_NAME: "x" });
    expect(r.status).not.toBe(0);
    expect(r.stderr.startsWith("ACTOR_IDENTITY_UNCONFIGURED")).toBe(true);
    expect(r.stdout).toBe("");
    expect(fs.existsSync(path.join(dataDir, "ledger.sqlite3"))).toBe(false);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  test("unknown role: a clear error naming the valid roles", () => {
    const dataDir = tempDir("badrole");
    const r = startRaw({
      GRACE_ORCHESTRATOR_DATA_DIR: dataDir,
      GRACE_ORCHESTRATOR_ACTOR_NAME: "x",
      GRACE_ORCHESTRATOR_ACTOR_ROLE: "admin",
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("Unknown configured actor role: 'admin'");
    expect(r.stderr).toContain("worker_junior");
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  test("stdout carries nothing but JSON-RPC, even with debug logging", async () => {
    const dataDir = tempDir("stdout");
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      env: {
        PATH: process.env.PATH ?? "",
        GRACE_ORCHESTRATOR_DATA_DIR: dataDir,
        GRACE_ORCHESTRATOR_ACTOR_NAME: "codex-main",
        GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex",
        GRACE_LOG_LEVEL: "debug",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const send = (msg: object) => child.stdin.write(`${JSON.stringify(msg)}\n`);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    send({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "task.get", arguments: { task_id: 999 } },
    });
    send({
      jsonrpc: "2.0",
      id: 4,
      method: "tools/call",
      params: { name: "orchestrator.whoami", arguments: {} },
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answers; stdout=${out} stderr=${err}`)), 15_000);
      const check = setInterval(() => {
        if (out.split("\n").filter(Boolean).length >= 4) {
          clearTimeout(timer);
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    child.stdin.end();
    const exitCode = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const lines = out.split("\n").filter(Boolean);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
    expect(lines.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([1, 2, 3, 4]);
    expect(lines[2]).toContain("Task 999 does not exist");
    expect(err).toContain("INFO grace-orchestrator-mcp ready");
    expect(exitCode).toBe(0);
  });
});
