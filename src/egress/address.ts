/**
 * Is an address one an Azure endpoint must not point at? Every block of the
 * IANA IPv4 and IPv6 special-purpose address registries (RFC 6890 and its
 * updates: loopback, private, link-local with cloud metadata, CGNAT,
 * documentation, benchmarking, translation, …), multicast and reserved space.
 * IPv6 is accepted only inside global unicast (2000::/3), which leaves out
 * every IPv4-mapped, IPv4-compatible, NAT64, unique-local, link-local and
 * multicast form whatever way it is written (the URL parser turns
 * `[::ffff:127.0.0.1]` into `[::ffff:7f00:1]`).
 */

type Block = readonly [prefix: number[], bits: number];

/** https://www.iana.org/assignments/iana-ipv4-special-registry/, plus multicast (224/4) and reserved (240/4). */
export const ipv4SpecialBlocks: readonly Block[] = [
  [[0, 0, 0, 0], 8], // "this network" (RFC 791)
  [[10, 0, 0, 0], 8], // private (RFC 1918)
  [[100, 64, 0, 0], 10], // shared address space, CGNAT (RFC 6598)
  [[127, 0, 0, 0], 8], // loopback (RFC 1122)
  [[169, 254, 0, 0], 16], // link local, cloud metadata at 169.254.169.254 (RFC 3927)
  [[172, 16, 0, 0], 12], // private (RFC 1918)
  [[192, 0, 0, 0], 24], // IETF protocol assignments: DS-Lite, PCP/TURN anycast, NAT64 discovery (RFC 6890)
  [[192, 0, 2, 0], 24], // documentation TEST-NET-1 (RFC 5737)
  [[192, 31, 196, 0], 24], // AS112-v4 (RFC 7535)
  [[192, 52, 193, 0], 24], // AMT (RFC 7450)
  [[192, 88, 99, 0], 24], // deprecated 6to4 relay anycast (RFC 7526)
  [[192, 168, 0, 0], 16], // private (RFC 1918)
  [[192, 175, 48, 0], 24], // direct delegation AS112 (RFC 7534)
  [[198, 18, 0, 0], 15], // benchmarking (RFC 2544)
  [[198, 51, 100, 0], 24], // documentation TEST-NET-2 (RFC 5737)
  [[203, 0, 113, 0], 24], // documentation TEST-NET-3 (RFC 5737)
  [[224, 0, 0, 0], 4], // multicast (RFC 5771)
  [[240, 0, 0, 0], 4], // reserved, and the limited broadcast 255.255.255.255 (RFC 1112, RFC 919)
];

/**
 * https://www.iana.org/assignments/iana-ipv6-special-registry/ blocks inside
 * 2000::/3; everything outside 2000::/3 (::1, ::, ::ffff:0:0/96, ::/96,
 * 64:ff9b::/96, 64:ff9b:1::/48, 100::/64, 5f00::/16, fc00::/7, fe80::/10,
 * ff00::/8, …) is refused by the global-unicast rule.
 */
export const ipv6SpecialBlocks: readonly Block[] = [
  [[0x20, 0x01, 0x00, 0x00], 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID, AS112, AMT (RFC 2928)
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation (RFC 3849)
  [[0x20, 0x02], 16], // 6to4, which carries an IPv4 address (RFC 3056)
  [[0x26, 0x20, 0x00, 0x4f, 0x80, 0x00], 48], // direct delegation AS112 (RFC 7534)
  [[0x3f, 0xff], 20], // documentation (RFC 9637)
];

function inBlock(bytes: readonly number[], [prefix, bits]: Block): boolean {
  for (let i = 0; i * 8 < bits; i++) {
    const take = Math.min(8, bits - i * 8);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** Strict dotted quad (what URL parsing and DNS answers give), as 4 bytes. */
export function parseIpv4(s: string): number[] | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out.push(Number(p));
  }
  return out;
}

/** Any RFC 4291 §2.2 text form (`::`, an embedded dotted quad, a `%zone`), as 16 bytes. */
export function parseIpv6(s: string): number[] | undefined {
  const text = s.replace(/%.*$/, "");
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i === pieces.length - 1 && p.includes(".")) {
        const v4 = parseIpv4(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<number>(missing).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

export function isPrivateAddress(ip: string): boolean {
  const v = ip.replace(/^\[|\]$/g, "");
  const v4 = parseIpv4(v);
  if (v4) return ipv4SpecialBlocks.some((b) => inBlock(v4, b));
  const v6 = parseIpv6(v);
  // not an address at all: callers only ask about literals and resolver answers, so refuse
  if (!v6) return true;
  return !inBlock(v6, [[0x20], 3]) || ipv6SpecialBlocks.some((b) => inBlock(v6, b));
}

export function isIpLiteral(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return parseIpv4(h) !== undefined || h.includes(":");
}
