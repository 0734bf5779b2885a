/** One window of a large text, addressed by UTF-8 byte offsets so a caller can resume exactly. */
export interface BytePage {
  text: string;
  offset: number;
  /** Where the next page starts; null at the end. */
  next_offset: number | null;
  total_bytes: number;
  has_more: boolean;
}

const isContinuation = (buf: Buffer, at: number) => at < buf.length && (buf[at]! & 0xc0) === 0x80;

function charEnd(buf: Buffer, start: number, end: number): number {
  let at = end;
  while (at > start && isContinuation(buf, at)) at -= 1;
  if (at > start) return at;
  // Fewer bytes than one character were asked for: the page still takes that one character.
  at = Math.min(buf.length, start + 1);
  while (isContinuation(buf, at)) at += 1;
  return at;
}

/**
 * The bytes [offset, offset + limit) of `text`, both ends moved to character boundaries, shrunk
 * until the page's JSON string form fits `maxJsonBytes` (escapes can make JSON longer than the text).
 */
export function bytePage(text: string, offset: number, limit: number, maxJsonBytes: number): BytePage {
  const buf = Buffer.from(text, "utf8");
  let start = Math.min(Math.max(0, offset), buf.length);
  while (isContinuation(buf, start)) start += 1;
  let end = start < buf.length ? charEnd(buf, start, Math.min(buf.length, start + limit)) : start;
  let page = buf.toString("utf8", start, end);
  for (;;) {
    const json = Buffer.byteLength(JSON.stringify(page), "utf8");
    if (json <= maxJsonBytes) break;
    const shorter = charEnd(buf, start, start + Math.floor(((end - start) * maxJsonBytes) / json));
    if (shorter >= end) break;
    end = shorter;
    page = buf.toString("utf8", start, end);
  }
  const hasMore = end < buf.length;
  return {
    text: page,
    offset: start,
    next_offset: hasMore ? end : null,
    total_bytes: buf.length,
    has_more: hasMore,
  };
}
