import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { afterEach, expect, test } from "vitest";
import { at, parsed, str } from "../helpers/answer.js";
import { call, connect, SERVER_ENTRY, tempDir } from "../helpers/mcp-client.js";

interface Raw {
  child: ChildProcessWithoutNullStreams;
  send(message: object): void;
  /** Resolves with the JSON-RPC message that answers `id`. */
  reply(id: number): Promise<Record<string, unknown>>;
  stderr(): string;
}

const started: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** The built server with raw JSON-RPC on its stdin: no SDK client between the test and the bytes. */
function startServer(): Raw {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: {
      PATH: process.env.PATH ?? "",
      GRACE_ORCHESTRATOR_DATA_DIR: tempDir("oversized"),
      GRACE_ORCHESTRATOR_ACTOR_NAME: "codex-main",
      GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex",
      GRACE_LOG_LEVEL: "warn",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  started.push(child);
  let out = "";
  let err = "";
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    for (let at = out.indexOf("\n"); at !== -1; at = out.indexOf("\n")) {
      const message = JSON.parse(out.slice(0, at)) as Record<string, unknown>;
      out = out.slice(at + 1);
      waiting.get(message.id as number)?.(message);
    }
  });
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return {
    child,
    send: (message) => child.stdin.write(`${JSON.stringify(message)}\n`),
    reply: (id) => new Promise((resolve) => waiting.set(id, resolve)),
    stderr: () => err,
  };
}

async function initialize(s: Raw): Promise<void> {
  const answered = s.reply(1);
  s.send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
  });
  await answered;
  s.send({ jsonrpc: "2.0", method: "notifications/initialized" });
}

const whoami = (id: number) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "orchestrator.whoami", arguments: {} },
});

test("a request over 10 MB is refused with a JSON-RPC error and logged; the server keeps serving", async () => {
  const s = startServer();
  await initialize(s);
  // The SDK client's member order: method, params, then jsonrpc and id last.
  const huge = `{"method":"tools/call","params":{"name":"orchestrator.whoami","arguments":{"pad":"${"x".repeat(
    11 * 1024 * 1024,
  )}"}},"jsonrpc":"2.0","id":2}\n`;
  const refused = s.reply(2);
  s.child.stdin.write(huge);
  const error = (await refused).error as { code: number; message: string };
  expect(error.code).toBe(-32600);
  expect(error.message).toContain("at most 10485760 bytes");

  const after = s.reply(3);
  s.send(whoami(3));
  const answer = (await after).result;
  expect(at(parsed(str(answer, "content", 0, "text")), "actor_name")).toBe("codex-main");
  expect(s.stderr()).toContain("refused an oversized message");
  expect(s.child.exitCode).toBeNull();

  // End of input is an orderly end: exit 0.
  const exited = once(s.child, "exit");
  s.child.stdin.end();
  expect((await exited)[0]).toBe(0);
});

test("an oversized notification gets no answer, and the next request is served", async () => {
  const s = startServer();
  await initialize(s);
  s.child.stdin.write(
    `{"jsonrpc":"2.0","method":"notifications/progress","params":{"pad":"${"y".repeat(10 * 1024 * 1024 + 10)}"}}\n`,
  );
  const after = s.reply(5);
  s.send(whoami(5));
  expect((await after).result).toBeDefined();
  expect(s.stderr()).toContain('"id":null');
});

test("when the connection closes for another reason than end of input, the server says why and exits non-zero", async () => {
  const s = startServer();
  await initialize(s);
  // The client stops reading: the server's next answer cannot be written (EPIPE).
  s.child.stdout.destroy();
  const exited = once(s.child, "exit");
  s.send(whoami(7));
  const code: unknown = (await exited)[0];
  expect(code).not.toBe(0);
  expect(s.stderr()).toContain("the MCP connection closed");
  expect(s.stderr()).toContain("stdout failed");
});

test("the SDK client's own oversized call fails alone; the same client keeps working", async () => {
  const c = await connect(tempDir("oversized-sdk"), { name: "codex-main", role: "codex" });
  try {
    await expect(
      c.client.callTool({ name: "orchestrator.whoami", arguments: { pad: "x".repeat(11 * 1024 * 1024) } }),
    ).rejects.toThrow("one message may be at most 10485760 bytes");
    expect((await call(c, "orchestrator.whoami")).actor_name).toBe("codex-main");
  } finally {
    await c.close();
  }
});
