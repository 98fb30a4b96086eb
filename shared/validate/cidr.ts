/**
 * CIDR parsing exactly as the API server does it for ipBlock.cidr / ipBlock.except.
 *
 * pkg/apis/networking/validation/validation.go (ValidateIPBlock) calls IsValidCIDRForLegacyField and
 * netutils.ParseCIDRSloppy. kubernetes/kubernetes
 * staging/src/k8s.io/apimachinery/pkg/util/validation/ip.go (parseCIDR) then:
 * 1. parses with netutils.ParseCIDRSloppy — kubernetes/utils
 *    internal/third_party/forked/golang/net/ip.go, Go 1.16's net.ParseCIDR: decimal IPv4 octets with
 *    leading zeros allowed (read as decimal, "010" is 10), IPv6 groups of any number of hex digits up to
 *    0xFFFF, a decimal prefix length (leading zeros allowed, no sign) of at most 32 or 128, no zone;
 *    failure is "must be a valid CIDR value";
 * 2. with strict validation (the StrictIPCIDRValidation feature gate: alpha, off, in 1.33-1.35; beta and
 *    on by default from 1.36, KEP-4858), also parses with Go's netip.ParsePrefix and rejects
 *    "leading 0s in IP or prefix length" (and IPv6 groups of more than 4 digits, which netip rejects
 *    too), "an IPv4-mapped IPv6 address", and "bits set beyond the prefix length" (so 10.0.0.1/8 is
 *    rejected: write 10.0.0.0/8). Non-canonical IPv6 text (2001:DB8:0::/48) stays valid: only a warning.
 *
 * This is written here rather than taken from shared/semantics/ip-set.ts parseCidr because ipaddr.js
 * accepts forms Go rejects (`10.1/16`, `0x0a.0.0.0/8`) and reads `010` as octal 8, where Go reads 10.
 * ip-set's formatAddress is used to print canonical values.
 */
import { formatAddress } from '../semantics/ip-set.js';

/** A CIDR as Go's ParseCIDR returns it: the address as written and the network (IPNet). */
export interface GoCidr {
  /** The address as written, 16 bytes (IPv4 in IPv4-mapped form, as Go's ParseIP returns it). */
  readonly address: Uint8Array;
  /** IPNet.IP: the masked address, 4 bytes for IPv4 syntax, 16 for IPv6 syntax. */
  readonly network: Uint8Array;
  /** IPNet.Mask: 4 or 16 bytes. */
  readonly mask: Uint8Array;
  /** The prefix length as written (Mask.Size() ones). */
  readonly prefix: number;
  /** True when written in IPv6 syntax (with ':'). */
  readonly ipv6Syntax: boolean;
}

const big = 0xffffff;

/** Go's dtoi: decimal digits to an int; characters consumed; ok when at least one digit. */
function dtoi(s: string): { n: number; consumed: number; ok: boolean } {
  let n = 0;
  let i = 0;
  for (; i < s.length && s[i]! >= '0' && s[i]! <= '9'; i++) {
    n = n * 10 + (s.charCodeAt(i) - 48);
    if (n >= big) return { n: big, consumed: i, ok: false };
  }
  return i === 0 ? { n: 0, consumed: 0, ok: false } : { n, consumed: i, ok: true };
}

/** Go's xtoi: hex digits to an int. */
function xtoi(s: string): { n: number; consumed: number; ok: boolean } {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i]!;
    let digit: number;
    if (c >= '0' && c <= '9') digit = c.charCodeAt(0) - 48;
    else if (c >= 'a' && c <= 'f') digit = c.charCodeAt(0) - 87;
    else if (c >= 'A' && c <= 'F') digit = c.charCodeAt(0) - 55;
    else break;
    n = n * 16 + digit;
    if (n >= big) return { n: 0, consumed: i, ok: false };
  }
  return i === 0 ? { n: 0, consumed: 0, ok: false } : { n, consumed: i, ok: true };
}

/**
 * parseIPv4 of the fork (16-byte result). `strict` adds netip's rule: no octet with a leading zero.
 */
function parseIPv4(text: string, strict: boolean): Uint8Array | undefined {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  let s = text;
  for (let i = 0; i < 4; i++) {
    if (s.length === 0) return undefined;
    if (i > 0) {
      if (s[0] !== '.') return undefined;
      s = s.slice(1);
    }
    const { n, consumed, ok } = dtoi(s);
    if (!ok || n > 0xff) return undefined;
    if (strict && consumed > 1 && s[0] === '0') return undefined;
    s = s.slice(consumed);
    out[12 + i] = n;
  }
  return s.length === 0 ? out : undefined;
}

/** parseIPv6 of the fork. `strict` adds netip's rules: groups of at most 4 hex digits, strict IPv4 tail. */
function parseIPv6(text: string, strict: boolean): Uint8Array | undefined {
  const ip = new Uint8Array(16);
  let s = text;
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < 16) {
    const { n, consumed, ok } = xtoi(s);
    if (!ok || n > 0xffff) return undefined;
    if (consumed < s.length && s[consumed] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      const ip4 = parseIPv4(s, strict);
      if (!ip4) return undefined;
      ip.set(ip4.subarray(12), i);
      s = '';
      i += 4;
      break;
    }
    if (strict && consumed > 4) return undefined;
    ip[i] = n >> 8;
    ip[i + 1] = n & 0xff;
    i += 2;
    s = s.slice(consumed);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const shift = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + shift] = ip[j]!;
    for (let j = ellipsis + shift - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return ip;
}

function cidrMask(ones: number, bits: number): Uint8Array {
  const mask = new Uint8Array(bits / 8);
  for (let i = 0; i < mask.length; i++) {
    const take = Math.max(0, Math.min(8, ones - i * 8));
    mask[i] = take === 0 ? 0 : (0xff << (8 - take)) & 0xff;
  }
  return mask;
}

/** netutils.ParseCIDRSloppy (Go 1.16 net.ParseCIDR); undefined where Go returns an error. */
export function parseCidrSloppy(text: string): GoCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addr = text.slice(0, slash);
  const maskText = text.slice(slash + 1);
  let ipLength = 4;
  let address = parseIPv4(addr, false);
  if (!address) {
    ipLength = 16;
    address = parseIPv6(addr, false);
  }
  const { n, consumed, ok } = dtoi(maskText);
  if (!address || !ok || consumed !== maskText.length || n > 8 * ipLength) return undefined;
  const mask = cidrMask(n, 8 * ipLength);
  // IP.Mask: a 4-byte mask applied to an IPv4-mapped 16-byte address gives the 4-byte IPv4 network.
  const base = ipLength === 4 ? address.subarray(12) : address;
  const network = base.map((b, i) => b & mask[i]!);
  return { address, network, mask, prefix: n, ipv6Syntax: ipLength === 16 };
}

export type StrictProblem = 'leading-zeros' | 'ipv4-mapped' | 'host-bits';

/**
 * What strict validation (netip.ParsePrefix, then Is4In6, then Masked) rejects in a CIDR that
 * ParseCIDRSloppy accepted; undefined when strict validation accepts it too.
 */
export function strictProblem(text: string): StrictProblem | undefined {
  const slash = text.lastIndexOf('/');
  const addr = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  const parsed = addr.includes(':') ? parseIPv6(addr, true) : parseIPv4(addr, true);
  if (!parsed || (bitsText.length > 1 && !(bitsText[0]! >= '1' && bitsText[0]! <= '9')))
    return 'leading-zeros';
  if (addr.includes(':') && isIPv4Mapped(parsed)) return 'ipv4-mapped';
  const sloppy = parseCidrSloppy(text);
  if (sloppy && hasHostBits(sloppy)) return 'host-bits';
  return undefined;
}

function isIPv4Mapped(ip: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

function hasHostBits(c: GoCidr): boolean {
  const written = c.ipv6Syntax ? c.address : c.address.subarray(12);
  return written.some((b, i) => b !== c.network[i]);
}

/** Go's IP.To4: the 4-byte form of an IPv4 or IPv4-mapped address, else undefined. */
function to4(ip: Uint8Array): Uint8Array | undefined {
  if (ip.length === 4) return ip;
  return isIPv4Mapped(ip) ? ip.subarray(12) : undefined;
}

/** Go's IPNet.Contains(ip), including its IPv4-mapped conversions. */
export function netContains(net: GoCidr, ip: Uint8Array): boolean {
  const nn = to4(net.network) ?? net.network;
  let mask = net.mask;
  if (mask.length === 4 && nn.length !== 4) return false;
  if (mask.length === 16 && nn.length === 4) mask = mask.subarray(12);
  const target = to4(ip) ?? ip;
  if (target.length !== nn.length) return false;
  for (let i = 0; i < target.length; i++) if ((nn[i]! & mask[i]!) !== (target[i]! & mask[i]!)) return false;
  return true;
}

function toBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** The network as Go's IPNet.String() would print it for plain IPv4/IPv6: "10.0.0.0/8". */
export function formatNetwork(c: GoCidr): string {
  // An IPv4-mapped network prints as IPv4, as Go does, when its prefix covers the ::ffff: part.
  const mapped = c.network.length === 16 && c.prefix >= 96 ? to4(c.network) : undefined;
  const bytes = c.network.length === 4 ? c.network : (mapped ?? c.network);
  const family = bytes.length === 4 ? 4 : 6;
  const prefix = mapped ? c.prefix - 96 : c.prefix;
  return `${formatAddress(family, toBigint(bytes))}/${prefix}`;
}

/** The single address as written, as a /32 or /128: "10.0.0.1/32". */
export function formatSingleAddress(c: GoCidr): string {
  const bytes = c.ipv6Syntax ? c.address : c.address.subarray(12);
  const family = bytes.length === 4 ? 4 : 6;
  return `${formatAddress(family, toBigint(bytes))}/${family === 4 ? 32 : 128}`;
}
