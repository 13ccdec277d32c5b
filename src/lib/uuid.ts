/**
 * UUIDv7 (RFC 9562 §5.7): 48-bit millisecond timestamp then randomness, so
 * ids sort by creation time and the events index stays append-only. Ids made
 * in the same millisecond by this process still sort in the order they were
 * made: the 12-bit `rand_a` field counts up within a millisecond (RFC 9562
 * §6.2, method 1), so "newest first" never reorders two requests.
 */
const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

let lastMs = -1;
let counter = 0;

// Random bytes are drawn from the system in blocks: one call per 256 ids instead of one per id.
const pool = new Uint8Array(4096);
let poolAt = pool.length;
const b = new Uint8Array(16);

export function uuidv7(now: number = Date.now()): string {
  if (poolAt === pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  b.set(pool.subarray(poolAt, poolAt + 16));
  poolAt += 16;
  let ms = now;
  let seq: number;
  if (ms === lastMs) {
    // the same millisecond as the last id: count up from it
    seq = ++counter;
    if (seq > 0xfff) {
      ms = ++lastMs;
      seq = counter = 0;
    }
  } else if (ms > lastMs) {
    lastMs = ms;
    // start low in the range so a busy millisecond has room to count up
    seq = counter = ((b[6]! << 8) | b[7]!) & 0x7ff;
  } else {
    // an explicit earlier time (back-filled events): an independent id for it
    seq = ((b[6]! << 8) | b[7]!) & 0xfff;
  }
  // 48-bit big-endian timestamp; split because bit ops are 32-bit in JS
  const hi = Math.floor(ms / 2 ** 16);
  b[0] = (hi >>> 24) & 0xff;
  b[1] = (hi >>> 16) & 0xff;
  b[2] = (hi >>> 8) & 0xff;
  b[3] = hi & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | (seq >>> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  let s = "";
  for (let i = 0; i < 16; i++) {
    s += hex[b[i]!];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += "-";
  }
  return s;
}

/** The creation time encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
