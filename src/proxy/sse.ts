/**
 * The one incremental Server-Sent Events parser (STYLE rule 3). Framing follows the WHATWG
 * "event stream interpretation": https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 * Three deliberate differences: `finish()` dispatches an event left without its closing blank line
 * (providers' last `data:` is worth reading), `id`/`retry` are ignored (a proxy never reconnects), and
 * an event longer than `maxEventBytes` is neither kept nor dispatched (its bytes still pass through the
 * tap): no provider event is that large, and holding one that never ends would cost memory and time.
 */

export interface SseEvent {
  /** The `event:` field if any (an empty value counts as none, as in WHATWG). */
  event: string | undefined;
  /** The data lines joined with "\n"; "" for a bare `data` or `data:` line. */
  data: string;
  /** Byte offsets in the whole stream: [start, end) covers the event's lines and the blank line that ended it. */
  start: number;
  end: number;
}

export interface SseParser {
  /** Feed the next chunk; returns the events completed by it, in order. Keeps only the bytes of the line in progress. */
  push(chunk: Uint8Array): SseEvent[];
  /** End of stream: returns a final event if the stream ended without a blank line after data (end = total length). */
  finish(): SseEvent[];
  /** Total bytes fed so far. */
  readonly offset: number;
}

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;

/** Events larger than this (from their first line to the current byte) are skipped. */
export const defaultMaxEventBytes = 1 << 20;

/** Builds a parser; one per stream. Events are only dispatched for blocks with at least one `data` line (WHATWG). */
export function createSseParser(opts: { maxEventBytes?: number } = {}): SseParser {
  const maxEventBytes = opts.maxEventBytes ?? defaultMaxEventBytes;
  // One decoder for every data line. ignoreBOM keeps a U+FEFF inside a value; the stream-start BOM is stripped by hand.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let offset = 0;
  // The line in progress when a chunk ends mid-line (the only bytes kept between pushes).
  let partial = new Uint8Array(0);
  let partialLength = 0;
  let lineStart = 0;
  // The previous chunk ended in CR: a leading LF of the next chunk completes that CRLF.
  let skipLeadingLf = false;
  // An event ended by a blank line whose CR was the last byte fed; its end grows by one if an LF follows.
  let held: SseEvent | undefined;
  // The block (event) in progress.
  let blockStart = -1;
  let data: string | undefined;
  let eventName: string | undefined;
  // The block in progress went past maxEventBytes: its lines are ignored up to the blank line that ends it.
  let skipping = false;
  // The line in progress went past the bound while still partial: it is not a blank line when it ends.
  let lineDiscarded = false;
  // The chunk being pushed, decoded whole when every byte maps to one UTF-16 unit (ASCII): values are then
  // substrings of it at their byte offsets, one decode per chunk instead of one per line.
  let text: string | undefined;
  let textOf: Uint8Array | undefined;

  function resetBlock(): void {
    blockStart = -1;
    data = undefined;
    eventName = undefined;
    skipping = false;
  }

  /** The block is past the bound: drop what it holds, ignore it to its end. */
  function skipBlock(start: number): void {
    if (blockStart < 0) blockStart = start;
    data = undefined;
    eventName = undefined;
    skipping = true;
  }

  function closeBlock(end: number): SseEvent | undefined {
    const event =
      data === undefined || skipping ? undefined : { event: eventName || undefined, data, start: blockStart, end };
    resetBlock();
    return event;
  }

  const value = (bytes: Uint8Array, from: number, to: number): string =>
    bytes === textOf ? text!.slice(from, to) : decoder.decode(bytes.subarray(from, to));

  /** Interprets bytes[from, to) as one line that started at `start`; `end` is the offset just past its terminator. */
  function processLine(bytes: Uint8Array, from: number, to: number, start: number, end: number): SseEvent | undefined {
    if (start === 0 && to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) {
      from += 3;
      start = 3;
    }
    if (from === to) return blockStart < 0 ? undefined : closeBlock(end);
    if (blockStart < 0) blockStart = start;
    if (skipping) return undefined;
    if (end - blockStart > maxEventBytes) {
      skipBlock(start);
      return undefined;
    }
    if (bytes[from] === COLON) return undefined; // comment
    let colon = from;
    while (colon < to && bytes[colon] !== COLON) colon++;
    let valueStart = colon < to ? colon + 1 : to;
    if (valueStart < to && bytes[valueStart] === SPACE) valueStart++;
    const nameLength = colon - from;
    if (
      nameLength === 4 &&
      bytes[from] === 0x64 && bytes[from + 1] === 0x61 && bytes[from + 2] === 0x74 && bytes[from + 3] === 0x61 // "data"
    ) {
      const v = value(bytes, valueStart, to);
      data = data === undefined ? v : data + "\n" + v;
    } else if (
      nameLength === 5 &&
      bytes[from] === 0x65 && bytes[from + 1] === 0x76 && bytes[from + 2] === 0x65 && bytes[from + 3] === 0x6e &&
      bytes[from + 4] === 0x74 // "event"
    ) {
      eventName = value(bytes, valueStart, to);
    }
    return undefined;
  }

  function appendPartial(bytes: Uint8Array, from: number, to: number): void {
    if (lineDiscarded) return;
    const needed = partialLength + (to - from);
    if (skipping || lineStart + needed - (blockStart < 0 ? lineStart : blockStart) > maxEventBytes) {
      // Past the bound: the rest of this line is not kept, and the block it belongs to is skipped.
      skipBlock(lineStart);
      lineDiscarded = true;
      partialLength = 0;
      if (partial.length > 65536) partial = new Uint8Array(0);
      return;
    }
    if (needed > partial.length) {
      const grown = new Uint8Array(Math.max(needed, partial.length * 2, 256));
      grown.set(partial.subarray(0, partialLength));
      partial = grown;
    }
    partial.set(bytes.subarray(from, to), partialLength);
    partialLength = needed;
  }

  function takePartialLine(start: number, end: number): SseEvent | undefined {
    const event = processLine(partial, 0, partialLength, start, end);
    partialLength = 0;
    // Don't keep one huge line's buffer alive for the rest of the stream.
    if (partial.length > 65536) partial = new Uint8Array(0);
    return event;
  }

  function push(chunk: Uint8Array): SseEvent[] {
    const events: SseEvent[] = [];
    const length = chunk.length;
    if (length === 0) return events;
    const base = offset;
    offset += length;
    const whole = decoder.decode(chunk);
    // Equal lengths: no multi-byte sequence (and no BOM) in the chunk, so string and byte offsets coincide.
    if (whole.length === length) {
      text = whole;
      textOf = chunk;
    }
    let pos = 0;
    if (skipLeadingLf) {
      skipLeadingLf = false;
      if (chunk[0] === LF) {
        pos = 1;
        lineStart = base + 1;
        if (held !== undefined) held.end += 1;
      }
    }
    if (held !== undefined) {
      events.push(held);
      held = undefined;
    }
    // Next LF / CR at or after pos; -2 = not searched yet, -1 = none left in this chunk. Each byte is scanned once.
    let nextLf = -2;
    let nextCr = -2;
    while (pos < length) {
      if (nextLf !== -1 && nextLf < pos) nextLf = chunk.indexOf(LF, pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = chunk.indexOf(CR, pos);
      const eol = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
      if (eol === -1) {
        appendPartial(chunk, pos, length);
        break;
      }
      let next = eol + 1;
      let crAtChunkEnd = false;
      if (chunk[eol] === CR) {
        if (next < length) {
          if (chunk[next] === LF) next++;
        } else {
          crAtChunkEnd = true;
        }
      }
      let event: SseEvent | undefined;
      if (lineDiscarded) {
        // the end of a line too long to keep: not blank, so the skipped block goes on
        lineDiscarded = false;
      } else if (partialLength > 0) {
        appendPartial(chunk, pos, eol);
        if (lineDiscarded) lineDiscarded = false;
        else event = takePartialLine(lineStart, base + next);
      } else {
        event = processLine(chunk, pos, eol, lineStart, base + next);
      }
      lineStart = base + next;
      pos = next;
      if (crAtChunkEnd) {
        skipLeadingLf = true;
        held = event;
      } else if (event !== undefined) {
        events.push(event);
      }
    }
    text = undefined;
    textOf = undefined;
    return events;
  }

  function finish(): SseEvent[] {
    const events: SseEvent[] = [];
    skipLeadingLf = false;
    if (held !== undefined) {
      events.push(held);
      held = undefined;
    }
    if (partialLength > 0) {
      // A last line without terminator is never blank, so it cannot close the block itself.
      takePartialLine(lineStart, offset);
      lineStart = offset;
    }
    lineDiscarded = false;
    if (blockStart >= 0) {
      const event = closeBlock(offset);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  return {
    push,
    finish,
    get offset() {
      return offset;
    },
  };
}
