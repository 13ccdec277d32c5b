import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createSseParser, type SseEvent } from "../../src/proxy/sse.ts";
import { createRandom } from "../helpers/random.ts";

const encoder = new TextEncoder();

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
}

/** Feeds the chunks in order, then finishes; returns every event. */
function parse(chunks: Uint8Array[]): SseEvent[] {
  const parser = createSseParser();
  const events: SseEvent[] = [];
  for (const chunk of chunks) events.push(...parser.push(chunk));
  events.push(...parser.finish());
  return events;
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const sorted = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  return sorted.slice(1).map((end, i) => bytes.slice(sorted[i], end));
}

const sameEvents = (a: SseEvent[], b: SseEvent[]) => JSON.stringify(a) === JSON.stringify(b);

/** Every way of chunking must give the events of feeding the stream at once. */
function expectSplitInvariant(bytes: Uint8Array): SseEvent[] {
  const whole = parse([bytes]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const split = parse(splitAt(bytes, [cut]));
    if (!sameEvents(split, whole)) expect({ cut, events: split }).toEqual({ cut, events: whole });
  }
  expect(parse(splitAt(bytes, Array.from({ length: bytes.length }, (_, i) => i)))).toEqual(whole);
  for (let seed = 1; seed <= 200; seed++) {
    const next = createRandom(seed);
    const cuts = [0, 1, 2].map(() => Math.floor(next() * (bytes.length + 1)));
    const split = parse(splitAt(bytes, cuts));
    if (!sameEvents(split, whole)) expect({ seed, events: split }).toEqual({ seed, events: whole });
  }
  return whole;
}

/** Expected events of a fixture whose events are single `data:` lines separated by "\n\n" (ASCII). */
function lineEvents(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let start = 0;
  for (const block of text.split("\n\n")) {
    const end = Math.min(start + block.length + 2, text.length);
    if (block.trim() !== "") events.push({ event: undefined, data: block.replace(/^data: /, "").trimEnd(), start, end });
    start = end;
  }
  return events;
}

const fixtures = ["openai-stream.sse", "groq-stream.sse", "groq-stream-both-usages.sse", "groq-stream-error.sse", "gemini-stream.sse"];

describe("captured provider streams", () => {
  test("OpenAI stream: one event per data line, the last ([DONE]) closed by finish()", () => {
    const bytes = fixture("openai-stream.sse");
    const text = new TextDecoder().decode(bytes);
    const events = expectSplitInvariant(bytes);
    expect(events).toEqual(lineEvents(text));
    expect(events.map((e) => e.data.slice(0, 12))).toEqual([
      '{"id":"chatc',
      '{"id":"chatc',
      '{"id":"chatc',
      '{"id":"chatc',
      "[DONE]",
    ]);
    // The capture ends "data: [DONE]\n" without the closing blank line: finish() reports it up to the end.
    expect(events.at(-1)).toEqual({ event: undefined, data: "[DONE]", start: bytes.length - 13, end: bytes.length });
  });

  test("Groq streams (x_groq usage; both usage copies)", () => {
    for (const name of ["groq-stream.sse", "groq-stream-both-usages.sse"]) {
      const bytes = fixture(name);
      expect(expectSplitInvariant(bytes)).toEqual(lineEvents(new TextDecoder().decode(bytes)));
    }
  });

  test("Groq in-stream error: `event: error`", () => {
    const bytes = fixture("groq-stream-error.sse");
    const text = new TextDecoder().decode(bytes);
    const data = text.split("\n")[1]!.slice("data: ".length);
    expect(expectSplitInvariant(bytes)).toEqual([{ event: "error", data, start: 0, end: bytes.length }]);
    expect(JSON.parse(data).error.code).toBe("tool_use_failed");
  });

  test("Gemini capture has no blank lines between chunks, so its data lines form one event", () => {
    // The forum rendering (providers.md §4.2) lost or never had the blank lines; framing must follow the bytes.
    const bytes = fixture("gemini-stream.sse");
    const lines = new TextDecoder().decode(bytes).trimEnd().split("\n").map((l) => l.slice("data: ".length));
    expect(expectSplitInvariant(bytes)).toEqual([{ event: undefined, data: lines.join("\n"), start: 0, end: bytes.length }]);
  });

  test("every fixture re-framed with CRLF and with CR parses to the same data", () => {
    for (const name of fixtures) {
      const text = new TextDecoder().decode(fixture(name));
      const lf = parse([encoder.encode(text)]);
      for (const eol of ["\r\n", "\r"]) {
        const events = expectSplitInvariant(encoder.encode(text.replaceAll("\n", eol)));
        expect(events.map(({ event, data }) => ({ event, data }))).toEqual(lf.map(({ event, data }) => ({ event, data })));
      }
    }
  });
});

describe("framing", () => {
  const cases: { name: string; stream: string | Uint8Array; events: SseEvent[] }[] = [
    {
      name: "LF",
      stream: "data: a\n\ndata: b\n\n",
      events: [
        { event: undefined, data: "a", start: 0, end: 9 },
        { event: undefined, data: "b", start: 9, end: 18 },
      ],
    },
    {
      name: "CRLF",
      stream: "data: a\r\n\r\ndata: b\r\n\r\n",
      events: [
        { event: undefined, data: "a", start: 0, end: 11 },
        { event: undefined, data: "b", start: 11, end: 22 },
      ],
    },
    {
      name: "CR",
      stream: "data: a\r\rdata: b\r\r",
      events: [
        { event: undefined, data: "a", start: 0, end: 9 },
        { event: undefined, data: "b", start: 9, end: 18 },
      ],
    },
    {
      name: "mixed line endings",
      stream: "data: a\r\ndata: b\n\r\ndata: c\r\n\n",
      events: [
        { event: undefined, data: "a\nb", start: 0, end: 19 },
        { event: undefined, data: "c", start: 19, end: 29 },
      ],
    },
    {
      name: "comments alone dispatch nothing; inside an event they are part of its bytes",
      stream: ": keep-alive\n\n: hi\ndata: x\n: bye\n\n",
      events: [{ event: undefined, data: "x", start: 14, end: 34 }],
    },
    {
      name: "multi-line data keeps inner spaces and empty lines",
      stream: "data: one\ndata:  two\ndata\ndata:\ndata:three\n\n",
      events: [{ event: undefined, data: "one\n two\n\n\nthree", start: 0, end: 44 }],
    },
    {
      name: "event name; empty event name counts as none; id, retry and unknown fields ignored",
      stream: "event: error\nid: 7\nretry: 10\nfoo: bar\ndata: {}\n\nevent:\ndata: y\n\n",
      events: [
        { event: "error", data: "{}", start: 0, end: 48 },
        { event: undefined, data: "y", start: 48, end: 64 },
      ],
    },
    {
      name: "blocks without data dispatch nothing; extra blank lines belong to no event",
      stream: "\n\nevent: ping\n\n\ndata: z\n\n\n",
      events: [{ event: undefined, data: "z", start: 16, end: 25 }],
    },
    {
      name: "no trailing blank line",
      stream: "data: a\n\ndata: b\ndata: c",
      events: [
        { event: undefined, data: "a", start: 0, end: 9 },
        { event: undefined, data: "b\nc", start: 9, end: 24 },
      ],
    },
    {
      name: "stream ends in a lone CR",
      stream: "data: a\r",
      events: [{ event: undefined, data: "a", start: 0, end: 8 }],
    },
    {
      name: "multi-byte UTF-8 (2, 3 and 4 bytes)",
      stream: "data: é…日本😀\n\ndata: ok\n\n",
      events: [
        { event: undefined, data: "é…日本😀", start: 0, end: 23 },
        { event: undefined, data: "ok", start: 23, end: 33 },
      ],
    },
    {
      name: "BOM at stream start is ignored and not part of the first event",
      stream: "\uFEFFdata: a\n\n",
      events: [{ event: undefined, data: "a", start: 3, end: 12 }],
    },
    {
      name: "BOM elsewhere is data",
      stream: "data: \uFEFFa\n\n\uFEFFdata: b\n\n",
      events: [{ event: undefined, data: "\uFEFFa", start: 0, end: 12 }],
    },
    {
      name: "invalid UTF-8 becomes U+FFFD",
      stream: new Uint8Array([...encoder.encode("data: "), 0xe6, 0x97, ...encoder.encode("\n\n")]),
      events: [{ event: undefined, data: "\uFFFD", start: 0, end: 10 }],
    },
    { name: "empty stream", stream: "", events: [] },
  ];

  for (const { name, stream, events } of cases) {
    test(name, () => {
      const bytes = typeof stream === "string" ? encoder.encode(stream) : stream;
      expect(expectSplitInvariant(bytes)).toEqual(events);
    });
  }

  test("push returns the events completed so far; offset counts every byte", () => {
    const parser = createSseParser();
    expect(parser.push(encoder.encode("data: a\n\nda"))).toEqual([{ event: undefined, data: "a", start: 0, end: 9 }]);
    expect(parser.push(encoder.encode("ta: b\n"))).toEqual([]);
    expect(parser.offset).toBe(17);
    expect(parser.push(encoder.encode("\n"))).toEqual([{ event: undefined, data: "b", start: 9, end: 18 }]);
    expect(parser.push(new Uint8Array(0))).toEqual([]);
    expect(parser.finish()).toEqual([]);
    expect(parser.offset).toBe(18);
  });

  test("a blank line's CR at a chunk end waits for the next byte to know the event's end", () => {
    const parser = createSseParser();
    expect(parser.push(encoder.encode("data: a\r\n\r"))).toEqual([]);
    expect(parser.push(encoder.encode("\ndata: b\r\n\r"))).toEqual([{ event: undefined, data: "a", start: 0, end: 11 }]);
    expect(parser.push(encoder.encode("d"))).toEqual([{ event: undefined, data: "b", start: 11, end: 21 }]);
    expect(parser.finish()).toEqual([]);
  });

  test("a 200 KB line fed in 7-byte chunks arrives whole", () => {
    const value = "x".repeat(200_000);
    const bytes = encoder.encode(`data: ${value}\n\n`);
    const parser = createSseParser();
    const events: SseEvent[] = [];
    for (let i = 0; i < bytes.length; i += 7) events.push(...parser.push(bytes.subarray(i, i + 7)));
    expect(events).toEqual([{ event: undefined, data: value, start: 0, end: bytes.length }]);
  });
});

describe("an event past the bound", () => {
  const limit = 64;
  const parse = (chunks: Uint8Array[]) => {
    const parser = createSseParser({ maxEventBytes: limit });
    const events: SseEvent[] = [];
    for (const c of chunks) events.push(...parser.push(c));
    return [...events, ...parser.finish()];
  };
  const long = `data: ${"x".repeat(100)}\n`;
  const stream = `data: a\n\n${long}data: more\n\nevent: e\ndata: b\n\n`;
  const small = [
    { event: undefined, data: "a", start: 0, end: 9 },
    { event: "e", data: "b", start: 9 + long.length + 12, end: stream.length },
  ];

  test("is not dispatched (nor buffered); the events around it are, at every split", () => {
    const bytes = encoder.encode(stream);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const events = parse([bytes.subarray(0, cut), bytes.subarray(cut)]);
      if (!sameEvents(events, small)) expect({ cut, events }).toEqual({ cut, events: small });
    }
    expect(parse(Array.from(bytes, (b) => new Uint8Array([b])))).toEqual(small);
  });

  test("many data lines that add up past the bound count too", () => {
    const lines = Array.from({ length: 20 }, () => "data: 0123456789\n").join("");
    expect(parse([encoder.encode(`${lines}\ndata: ok\n\n`)]).map((e) => e.data)).toEqual(["ok"]);
  });

  test("an event that never ends: finish() dispatches nothing", () => {
    expect(parse([encoder.encode(`data: ${"y".repeat(500)}`)])).toEqual([]);
  });

  test("the default bound is 1 MiB: a 1 MiB − 10 event arrives, a 1 MiB + 10 one does not", () => {
    const parser = createSseParser();
    const under = `data: ${"u".repeat((1 << 20) - 10)}\n\n`;
    const over = `data: ${"o".repeat((1 << 20) + 10)}\n\n`;
    const events = [...parser.push(encoder.encode(under)), ...parser.push(encoder.encode(over)), ...parser.push(encoder.encode("data: z\n\n"))];
    expect(events.map((e) => e.data.length)).toEqual([(1 << 20) - 10, 1]);
  });
});
