/**
 * Azure endpoints never reach inside the network: every block of the IANA
 * IPv4 and IPv6 special-purpose registries is refused, in every way it can
 * be written, by the address check, the endpoint check (GraphQL
 * setAzureSettings and `lectr orgs set-azure` both use it) and the guard
 * that re-resolves before each connection.
 */
import { describe, expect, test } from "bun:test";
import { isPrivateAddress } from "../../src/egress/address.ts";
import { checkEndpoint, checkEndpointShape } from "../../src/egress/azure-endpoint.ts";
import { createHostGuard } from "../../src/egress/host-guard.ts";

// [block, first address, last address] for each entry of
// https://www.iana.org/assignments/iana-ipv4-special-registry/ (plus multicast and reserved space)
const ipv4Blocks = [
  ["0.0.0.0/8 this network", "0.0.0.0", "0.255.255.255"],
  ["10.0.0.0/8 private", "10.0.0.0", "10.255.255.255"],
  ["100.64.0.0/10 shared (CGNAT)", "100.64.0.0", "100.127.255.255"],
  ["127.0.0.0/8 loopback", "127.0.0.0", "127.255.255.255"],
  ["169.254.0.0/16 link local", "169.254.0.0", "169.254.255.255"],
  ["172.16.0.0/12 private", "172.16.0.0", "172.31.255.255"],
  ["192.0.0.0/24 IETF protocol assignments", "192.0.0.0", "192.0.0.255"],
  ["192.0.0.0/29 DS-Lite", "192.0.0.0", "192.0.0.7"],
  ["192.0.0.8/32 IPv4 dummy address", "192.0.0.8", "192.0.0.8"],
  ["192.0.0.9/32 PCP anycast", "192.0.0.9", "192.0.0.9"],
  ["192.0.0.10/32 TURN anycast", "192.0.0.10", "192.0.0.10"],
  ["192.0.0.170/32 NAT64/DNS64 discovery", "192.0.0.170", "192.0.0.171"],
  ["192.0.2.0/24 TEST-NET-1", "192.0.2.0", "192.0.2.255"],
  ["192.31.196.0/24 AS112-v4", "192.31.196.0", "192.31.196.255"],
  ["192.52.193.0/24 AMT", "192.52.193.0", "192.52.193.255"],
  ["192.88.99.0/24 deprecated 6to4 relay anycast", "192.88.99.0", "192.88.99.255"],
  ["192.168.0.0/16 private", "192.168.0.0", "192.168.255.255"],
  ["192.175.48.0/24 direct delegation AS112", "192.175.48.0", "192.175.48.255"],
  ["198.18.0.0/15 benchmarking", "198.18.0.0", "198.19.255.255"],
  ["198.51.100.0/24 TEST-NET-2", "198.51.100.0", "198.51.100.255"],
  ["203.0.113.0/24 TEST-NET-3", "203.0.113.0", "203.0.113.255"],
  ["224.0.0.0/4 multicast", "224.0.0.0", "239.255.255.255"],
  ["240.0.0.0/4 reserved", "240.0.0.0", "255.255.255.254"],
  ["255.255.255.255/32 limited broadcast", "255.255.255.255", "255.255.255.255"],
] as const;

// https://www.iana.org/assignments/iana-ipv6-special-registry/, plus multicast, site-local and the deprecated IPv4-compatible form
const ipv6Blocks = [
  ["::1/128 loopback", "::1", "::1"],
  ["::/128 unspecified", "::", "::"],
  ["::ffff:0:0/96 IPv4-mapped", "::ffff:0.0.0.0", "::ffff:255.255.255.255"],
  ["::/96 IPv4-compatible (deprecated)", "::0.0.0.2", "::255.255.255.255"],
  ["64:ff9b::/96 IPv4-IPv6 translation", "64:ff9b::", "64:ff9b::ffff:ffff"],
  ["64:ff9b:1::/48 local-use translation", "64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff"],
  ["100::/64 discard-only", "100::", "100::ffff:ffff:ffff:ffff"],
  ["100:0:0:1::/64 dummy prefix", "100:0:0:1::", "100::1:ffff:ffff:ffff:ffff"],
  ["2001::/23 IETF protocol assignments", "2001::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["2001::/32 Teredo", "2001::", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["2001:1::1/128 PCP anycast", "2001:1::1", "2001:1::1"],
  ["2001:1::2/128 TURN anycast", "2001:1::2", "2001:1::2"],
  ["2001:1::3/128 DNS-SD SRP anycast", "2001:1::3", "2001:1::3"],
  ["2001:2::/48 benchmarking", "2001:2::", "2001:2:0:ffff:ffff:ffff:ffff:ffff"],
  ["2001:3::/32 AMT", "2001:3::", "2001:3:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["2001:4:112::/48 AS112-v6", "2001:4:112::", "2001:4:112:ffff:ffff:ffff:ffff:ffff"],
  ["2001:10::/28 ORCHID (deprecated)", "2001:10::", "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["2001:20::/28 ORCHIDv2", "2001:20::", "2001:2f:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["2001:30::/28 drone remote ID", "2001:30::", "2001:3f:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["2001:db8::/32 documentation", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["2002::/16 6to4", "2002::", "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["2620:4f:8000::/48 direct delegation AS112", "2620:4f:8000::", "2620:4f:8000:ffff:ffff:ffff:ffff:ffff"],
  ["3fff::/20 documentation", "3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["5f00::/16 SRv6 SIDs", "5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["fc00::/7 unique local", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["fe80::/10 link local", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["fec0::/10 site local (deprecated)", "fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["ff00::/8 multicast", "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
] as const;

// Public addresses right beside the blocks: the check is not just "refuse everything"
const publicAddresses = [
  "1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255",
  "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.0.1.0", "192.0.3.0", "192.167.255.255", "192.169.0.0", "198.17.255.255",
  "198.20.0.0", "203.0.112.255", "223.255.255.255", "20.1.2.3",
  "2001:200::", "2001:db7:ffff::1", "2001:db9::", "2003::1", "2603:1030::1", "2620:4f:7fff::1", "2620:4f:8001::", "3ffe:ffff::1",
  "2a00:1450:4001:81b::200e",
];

describe("the special-purpose registries, block by block", () => {
  test.each([...ipv4Blocks, ...ipv6Blocks])("%s: first %s and last %s are refused", (_, first, last) => {
    expect([isPrivateAddress(first), isPrivateAddress(last), isPrivateAddress(`[${first}]`)]).toEqual([true, true, true]);
  });
  test.each(publicAddresses)("%s is public", (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
  test("anything that is not an address is refused", () => {
    expect(["", "not-an-ip", "1.2.3", "1.2.3.256", "1:2:3:4:5:6:7:8:9", "1::2::3", "g::1"].map(isPrivateAddress)).toEqual(Array(7).fill(true));
  });
});

describe("every way to write an internal address in an endpoint URL", () => {
  // the URL parser rewrites some of these (e.g. [::ffff:127.0.0.1] → [::ffff:7f00:1]); all must still be refused
  const urls = [
    "https://[::ffff:127.0.0.1]",
    "https://[::ffff:169.254.169.254]",
    "https://[::ffff:a9fe:a9fe]",
    "https://[::127.0.0.1]",
    "https://[0:0:0:0:0:ffff:7f00:1]",
    "https://[64:ff9b::127.0.0.1]",
    "https://[64:ff9b::a9fe:a9fe]",
    "https://[2002:7f00:1::]",
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
    "https://[ff02::1]",
    "https://[fe80::1]",
    "https://[fd00::1]",
    "https://[::]",
    "https://2130706433",
    "https://0x7f.1",
    "https://0177.0.0.1",
    "https://169.254.169.254.",
    "https://100.100.100.200",
  ];
  test.each(urls)("%s is refused when configured and when connecting", async (raw) => {
    const shape = checkEndpointShape(raw, false);
    const full = await checkEndpoint(raw, false);
    const host = new URL(raw).hostname;
    const guard = await createHostGuard(async () => [])(host);
    expect({ shape: shape.ok, full: full.ok, guard: guard.ok }).toEqual({ shape: false, full: false, guard: false });
  });
  test("a public address literal is accepted, and a name resolving to a mapped internal one is refused", async () => {
    expect(checkEndpointShape("https://[2603:1030::1]", false)).toEqual({ ok: true, value: "https://[2603:1030::1]" });
    const guard = createHostGuard(async () => ["2603:1030::1", "::ffff:a9fe:a9fe"]);
    expect(await guard("acme.openai.azure.com")).toEqual({ ok: false, reason: "acme.openai.azure.com resolves to a private or loopback address" });
  });
});
