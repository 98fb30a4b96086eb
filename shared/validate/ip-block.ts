/**
 * ipBlock validation, following ValidateIPBlock in kubernetes/kubernetes
 * pkg/apis/networking/validation/validation.go:
 * - `cidr == ""` (absent, null or empty) is "Required" and nothing else is checked;
 * - cidr and every except entry must pass IsValidCIDRForLegacyField (see cidr.ts; a null entry is "");
 * - when both parse with ParseCIDRSloppy, `!cidrIPNet.Contains(exceptCIDR.IP) || cidrMaskLen >=
 *   exceptMaskLen` is "must be a strict subset of `cidr`": an except equal to its cidr is rejected.
 */
import { isMap, isSeq } from '../parse/snode.js';
import { formatNetwork, formatSingleAddress, netContains, parseCidrSloppy, strictProblem } from './cidr.js';
import type { GoCidr } from './cidr.js';
import { childAt, isNullNode, itemsAt, keySpan, nullPhrase, quote, stringOf, valueSpan } from './report.js';
import type { At, Reporter } from './report.js';

export function validateIpBlock(r: Reporter, ipBlock: At): void {
  if (!isMap(ipBlock.node)) return;
  const cidrAt = childAt(ipBlock, 'cidr');
  if (!cidrAt) {
    r.error(
      'api-missing-field',
      keySpan(r.file, ipBlock),
      `${ipBlock.path}.cidr is required: an ipBlock needs a CIDR such as 10.0.0.0/8.`,
      { path: `${ipBlock.path}.cidr` },
    );
    return;
  }
  if (isNullNode(cidrAt.node)) {
    r.error(
      'api-missing-field',
      valueSpan(r.file, cidrAt),
      `${cidrAt.path} ${nullPhrase(cidrAt.node)}; Kubernetes reads it as "", and an ipBlock requires a cidr.`,
      { path: cidrAt.path },
    );
    return;
  }
  const cidrText = stringOf(cidrAt.node);
  if (cidrText === undefined) return; // wrong type: reported by the structure check
  if (cidrText === '') {
    r.error(
      'api-missing-field',
      valueSpan(r.file, cidrAt),
      `${cidrAt.path} is empty; an ipBlock requires a cidr.`,
      {
        path: cidrAt.path,
      },
    );
    return;
  }
  const cidr = checkCidr(r, cidrAt, cidrText);
  if (!cidr) return;

  const exceptList = childAt(ipBlock, 'except');
  if (!exceptList || !isSeq(exceptList.node)) return;
  for (const entry of itemsAt(exceptList)) {
    if (isNullNode(entry.node)) {
      r.error(
        'api-invalid-cidr',
        valueSpan(r.file, entry),
        `The entry ${entry.path} ${nullPhrase(entry.node)}; Kubernetes reads it as "", which is not a valid CIDR.`,
        { path: entry.path },
      );
      continue;
    }
    const text = stringOf(entry.node);
    if (text === undefined) continue;
    const except = checkCidr(r, entry, text);
    if (except) checkInside(r, entry, text, except, cidrAt, cidrText, cidr);
  }
}

/** Reports what IsValidCIDRForLegacyField (strict) rejects; returns the sloppy parse when there is one. */
function checkCidr(r: Reporter, at: At, text: string): GoCidr | undefined {
  const span = valueSpan(r.file, at);
  const parsed = parseCidrSloppy(text);
  if (!parsed) {
    r.error('api-invalid-cidr', span, `${quote(text)} is not a valid CIDR${invalidHint(text)}.`, {
      path: at.path,
    });
    return undefined;
  }
  const problem = strictProblem(text);
  if (problem) {
    const network = formatNetwork(parsed);
    const since =
      'Kubernetes 1.36+ rejects this (strict IP/CIDR validation, the StrictIPCIDRValidation gate; older servers accept it as the network it names)';
    const messages = {
      'leading-zeros': `${quote(text)} has leading zeros in the address or prefix length, which other software may read as octal. ${since}; write ${quote(network)}.`,
      'ipv4-mapped': `${quote(text)} is an IPv4-mapped IPv6 CIDR. ${since}; write ${quote(network)}.`,
      'host-bits': `${quote(text)} has bits set after the /${parsed.prefix} prefix, so it is ambiguous. ${since}; write the network ${quote(network)} (or ${quote(formatSingleAddress(parsed))} for the single address).`,
    } as const;
    // A warning, not an error: servers before 1.36 (or with the gate off) accept it and use the network
    // it names, so the policy still takes part in the analysis.
    r.report('api-invalid-cidr', 'warning', span, messages[problem], {
      path: at.path,
      problem,
      canonical: network,
    });
  }
  return parsed;
}

function invalidHint(text: string): string {
  if (text.trim() !== text) return ': remove the spaces around it';
  const slash = text.indexOf('/');
  if (slash < 0) {
    const single = parseCidrSloppy(`${text}/${text.includes(':') ? 128 : 32}`);
    return single
      ? `: it has no prefix length (write ${quote(formatSingleAddress(single))} for the single address)`
      : ': expected an address and a prefix length, e.g. 10.0.0.0/8 or 2001:db8::/32';
  }
  const whole = parseCidrSloppy(`${text.slice(0, slash)}/0`);
  if (whole) return `: the prefix length must be a number from 0 to ${whole.ipv6Syntax ? 128 : 32}`;
  return ': expected an address and a prefix length, e.g. 10.0.0.0/8 or 2001:db8::/32';
}

function checkInside(
  r: Reporter,
  entry: At,
  text: string,
  except: GoCidr,
  cidrAt: At,
  cidrText: string,
  cidr: GoCidr,
): void {
  const contained = netContains(cidr, except.network);
  if (contained && cidr.prefix < except.prefix) return;
  let why: string;
  if (!contained && except.ipv6Syntax !== cidr.ipv6Syntax) {
    why = `is ${except.ipv6Syntax ? 'IPv6' : 'IPv4'} but cidr ${quote(cidrText)} is ${cidr.ipv6Syntax ? 'IPv6' : 'IPv4'}`;
  } else if (!contained) {
    why = `is not inside cidr ${quote(cidrText)}`;
  } else if (cidr.prefix === except.prefix) {
    why = `is the whole of cidr ${quote(cidrText)}, which would leave nothing`;
  } else {
    why = `is larger than cidr ${quote(cidrText)}`;
  }
  r.report(
    'api-except-outside-cidr',
    'error',
    valueSpan(r.file, entry),
    `except ${quote(text)} ${why}; each except must be a strict subset of the cidr (inside it, with a longer prefix than /${cidr.prefix}).`,
    { path: entry.path, cidr: cidrText },
    [{ file: r.file, span: valueSpan(r.file, cidrAt), message: 'the ipBlock cidr' }],
  );
}
