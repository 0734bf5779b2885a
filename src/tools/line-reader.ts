/** What the reader found on stdin: one whole line, or a line over the size bound (only its ends kept). */
export type ReadLine =
  { kind: "line"; text: string } | { kind: "oversized"; bytes: number; head: string; tail: string };

/** The ends of an oversized line kept to find its JSON-RPC id and method; the middle is dropped as it streams. */
const KEPT_END_BYTES = 4 * 1024;

/**
 * Splits a byte stream into newline-delimited messages, like the SDK's reader, but a line longer
 * than `maxBytes` is skipped to its newline and reported instead of ending the connection.
 * Memory stays under `maxBytes` plus one chunk, whatever the client sends.
 */
export class BoundedLineReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private skipping: { bytes: number; head: Buffer; tail: Buffer } | null = null;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): ReadLine[] {
    const out: ReadLine[] = [];
    let rest = chunk;
    for (let at = rest.indexOf(0x0a); at !== -1; at = rest.indexOf(0x0a)) {
      this.absorb(rest.subarray(0, at));
      out.push(this.finishLine());
      rest = rest.subarray(at + 1);
    }
    if (rest.length > 0) this.absorb(rest);
    return out;
  }

  private absorb(part: Buffer): void {
    if (this.skipping) {
      this.skipping.bytes += part.length;
      this.skipping.tail = lastBytes(Buffer.concat([this.skipping.tail, part]));
      return;
    }
    if (this.size + part.length <= this.maxBytes) {
      this.chunks.push(part);
      this.size += part.length;
      return;
    }
    const seen = Buffer.concat([...this.chunks, part]);
    this.skipping = { bytes: seen.length, head: seen.subarray(0, KEPT_END_BYTES), tail: lastBytes(seen) };
    this.chunks = [];
    this.size = 0;
  }

  private finishLine(): ReadLine {
    const skipped = this.skipping;
    if (skipped) {
      this.skipping = null;
      return {
        kind: "oversized",
        bytes: skipped.bytes,
        head: skipped.head.toString("utf8"),
        tail: skipped.tail.toString("utf8").replace(/\r$/, ""),
      };
    }
    const text = Buffer.concat(this.chunks).toString("utf8").replace(/\r$/, "");
    this.chunks = [];
    this.size = 0;
    return { kind: "line", text };
  }
}

function lastBytes(buf: Buffer): Buffer {
  return buf.length <= KEPT_END_BYTES ? buf : Buffer.from(buf.subarray(buf.length - KEPT_END_BYTES));
}

const ID = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
/** The id as the last member of the top-level object (how the SDK client writes requests)… */
const ID_LAST = new RegExp(String.raw`"id"\s*:\s*${ID}\s*\}\s*$`);
/** …or among the leading short members, before any params. */
const ID_FIRST = new RegExp(
  String.raw`^\s*\{(?:\s*"(?:jsonrpc|method)"\s*:\s*"[^"]*"\s*,)*\s*"id"\s*:\s*${ID}`,
);
/** A request names its method among its leading short members (responses never have one). */
const LEADING_METHOD = /^\s*\{(?:\s*"(?:jsonrpc|id)"\s*:\s*(?:"[^"]*"|-?\d+)\s*,)*\s*"method"\s*:/;

/**
 * The JSON-RPC request id of an oversized line, read from its kept ends, or null when it is not
 * clearly a request (a notification or a response gets no answer).
 */
export function oversizedRequestId(line: { head: string; tail: string }): string | number | null {
  if (!LEADING_METHOD.test(line.head)) return null;
  const found = ID_LAST.exec(line.tail) ?? ID_FIRST.exec(line.head);
  return found ? (JSON.parse(found[1]!) as string | number) : null;
}
