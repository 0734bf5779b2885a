import type { Readable, Writable } from "node:stream";
import { serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../config/logger.js";
import { BoundedLineReader, oversizedRequestId, type ReadLine } from "./line-reader.js";

/** JSON-RPC "Invalid Request": the message could not be taken as a request. */
const INVALID_REQUEST = -32600;

export const END_OF_INPUT = "end of input";

/**
 * The SDK's stdio server transport, except that a message over `maxMessageBytes` is refused with a
 * JSON-RPC error (and logged) while the connection keeps serving; the SDK's own reader closes the
 * connection instead. `closeReason` says why the transport closed.
 */
export class BoundedStdioServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  closeReason: string | null = null;
  private readonly reader: BoundedLineReader;

  constructor(
    private readonly io: { stdin: Readable; stdout: Writable },
    private readonly maxMessageBytes: number,
    private readonly logger: Logger,
  ) {
    this.reader = new BoundedLineReader(maxMessageBytes);
  }

  private readonly onData = (chunk: Buffer) => {
    for (const line of this.reader.push(chunk)) this.handle(line);
  };
  private readonly onEnd = () => void this.closeFor(END_OF_INPUT);
  private readonly onStdinError = (error: Error) => void this.closeFor(`stdin failed: ${error.message}`);
  private readonly onStdoutError = (error: Error) => void this.closeFor(`stdout failed: ${error.message}`);

  start(): Promise<void> {
    this.io.stdin.on("data", this.onData);
    this.io.stdin.on("end", this.onEnd);
    this.io.stdin.on("error", this.onStdinError);
    this.io.stdout.on("error", this.onStdoutError);
    return Promise.resolve();
  }

  private handle(line: ReadLine): void {
    if (line.kind === "oversized") {
      this.refuseOversized(line);
      return;
    }
    let message: JSONRPCMessage;
    try {
      message = JSONRPCMessageSchema.parse(JSON.parse(line.text));
    } catch (error) {
      this.onerror?.(error as Error);
      return;
    }
    this.onmessage?.(message);
  }

  private refuseOversized(line: Extract<ReadLine, { kind: "oversized" }>): void {
    const id = oversizedRequestId(line);
    this.logger.warn("refused an oversized message", { bytes: line.bytes, limit: this.maxMessageBytes, id });
    if (id === null) return;
    void this.send({
      jsonrpc: "2.0",
      id,
      error: {
        code: INVALID_REQUEST,
        message:
          `Message refused: it is ${line.bytes} bytes, and one message may be at most ${this.maxMessageBytes} bytes. ` +
          "Nothing was done; send large content in smaller pieces.",
      },
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.io.stdout.write(serializeMessage(message))) resolve();
      else this.io.stdout.once("drain", resolve);
    });
  }

  private async closeFor(reason: string): Promise<void> {
    this.closeReason ??= reason;
    await this.close();
  }

  close(): Promise<void> {
    if (this.closeReason === null) this.closeReason = "closed by the server";
    this.io.stdin.off("data", this.onData);
    this.io.stdin.off("end", this.onEnd);
    this.io.stdin.off("error", this.onStdinError);
    if (this.io.stdin.listenerCount("data") === 0) this.io.stdin.pause();
    const onclose = this.onclose;
    this.onclose = undefined;
    onclose?.();
    return Promise.resolve();
  }
}
