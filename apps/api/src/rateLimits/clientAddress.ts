import { BlockList, isIPv6 } from "node:net";

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) is 127.0.0.1. */
const plain = (address: string) => address.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");

/**
 * The proxies whose X-Forwarded-For is believed: addresses and CIDR ranges, comma-separated
 * (`127.0.0.1,10.0.0.0/8`). Empty: none, so the header is ignored and the socket's peer is
 * the client.
 */
export const trustedProxies = (list: string): BlockList => {
  const trusted = new BlockList();
  for (const entry of list.split(",").map((s) => s.trim())) {
    if (!entry) continue;
    const [address = "", bits] = entry.split("/");
    const type = isIPv6(address) ? "ipv6" : "ipv4";
    if (bits === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(bits), type);
  }
  return trusted;
};

const isTrusted = (trusted: BlockList, address: string) => {
  try {
    return trusted.check(address, isIPv6(address) ? "ipv6" : "ipv4");
  } catch {
    return false; // not an address at all: never a proxy of ours
  }
};

/**
 * Who a request comes from. X-Forwarded-For is believed only hop by hop from a trusted
 * proxy: starting at the socket's peer, each trusted hop hands over to the address it
 * forwarded for (each proxy appends its peer, so the list is read from the right); the
 * first untrusted address is the client. A client cannot forge its way past our balancer,
 * whose own entry is the rightmost one.
 */
export const clientAddress = (
  peer: string | undefined,
  forwardedFor: string | null | undefined,
  trusted: BlockList,
): string => {
  const hops = (forwardedFor ?? "").split(",").map(plain).filter(Boolean);
  let client = plain(peer ?? "") || "unknown";
  while (isTrusted(trusted, client)) {
    const next = hops.pop();
    if (next === undefined) break;
    client = next;
  }
  return client;
};
