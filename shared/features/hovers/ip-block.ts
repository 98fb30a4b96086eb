/**
 * Hover on an `ipBlock` peer: the size of its range and of each except, whether it holds the cloud
 * metadata address, and the pods of the workspace whose status IPs fall inside
 * (IPBlock: "cidr ... except is a slice of CIDRs that should not be included within an IPBlock",
 * https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/).
 */
import type { AnalysisContext } from '../../context.js';
import type { IpBlockPeer, NetworkPolicy, PolicyRule } from '../../model/types.js';
import { ruleRef } from '../../explain/explain.js';
import { IpRangeSet, parseCidr, rangeSize } from '../../semantics/ip-set.js';
import type { IpRange } from '../../semantics/ip-set.js';
import { rejectedBanner } from '../describe.js';
import { blocks, boundedList, md, workloadMd } from '../markdown.js';

/** The link-local address of cloud instance-metadata services (AWS, GCP, Azure, OpenStack). */
export const METADATA_ADDRESS = '169.254.169.254';

export function ipBlockHover(
  ctx: AnalysisContext,
  policy: NetworkPolicy,
  rule: PolicyRule,
  peer: IpBlockPeer,
): string {
  const header = `**ipBlock** in ${md(ruleRef(policy, rule))}`;
  const cidrRange = parseCidr(peer.cidr);
  const sizes = [
    `- cidr ${md(peer.cidr)}: ${cidrRange ? addressCount(rangeSize(cidrRange)) : 'not a valid CIDR'}`,
    ...peer.except.map((e) => {
      const r = parseCidr(e);
      return `- except ${md(e)}: ${r ? addressCount(rangeSize(r)) : 'not a valid CIDR'}`;
    }),
  ];
  if (peer.ranges.isEmpty) {
    return blocks(
      header,
      rejectedBanner(policy),
      sizes,
      'The block is invalid or fully excepted: it matches no address.',
    );
  }
  const total = peer.ranges.ranges.reduce((n, r) => n + rangeSize(r), 0n);
  const remaining = peer.except.length > 0 ? `After the excepts: ${addressCount(total)}.` : undefined;
  const metadata = peer.ranges.containsAddress(METADATA_ADDRESS)
    ? `Includes ${METADATA_ADDRESS}, the cloud instance-metadata address${rule.direction === 'egress' ? ' (node credentials are served there on most clouds)' : ''}.`
    : `Does not include ${METADATA_ADDRESS} (the cloud instance-metadata address).`;
  const inside = ctx.workspace.model.workloads.flatMap((w) => {
    const ips = w.ips.filter((ip) => peer.ranges.containsAddress(ip));
    return ips.length > 0 ? [`${workloadMd(w)} at ${md(ips.join(', '))}`] : [];
  });
  const excepted = ctx.workspace.model.workloads.flatMap((w) => {
    const ips = w.ips.filter(
      (ip) => !peer.ranges.containsAddress(ip) && cidrRange && parseCidrContains(cidrRange, ip),
    );
    return ips.length > 0 ? [`${workloadMd(w)} at ${md(ips.join(', '))}`] : [];
  });
  const pods =
    inside.length > 0
      ? [
          `Pods of the workspace with an IP inside (pod IPs change; ipBlock is meant for addresses outside the cluster):`,
          ...boundedList(inside),
        ]
      : ['No pod of the workspace has a status IP inside (pod templates carry no IPs).'];
  const exceptedPods = excepted.length > 0 && [
    'Pods inside the cidr but left out by an except:',
    ...boundedList(excepted, 5),
  ];
  return blocks(header, rejectedBanner(policy), sizes, remaining, metadata, pods, exceptedPods);
}

function parseCidrContains(range: IpRange, ip: string): boolean {
  return IpRangeSet.of([range]).containsAddress(ip);
}

/** "65,536 addresses"; sizes above 2^64 as powers of two. */
export function addressCount(n: bigint): string {
  if (n === 1n) return '1 address';
  if (n > 1n << 64n && (n & (n - 1n)) === 0n) return `2^${n.toString(2).length - 1} addresses`;
  return `${n.toLocaleString('en-US')} addresses`;
}
