/**
 * Hover on a workload's `metadata.name` (Pod, Deployment, ...): the policies that isolate it per
 * direction, what may reach it and what it may reach, with ports, from the reachability engine (both
 * sides of every connection: the source's egress and the destination's ingress).
 */
import type { AnalysisContext } from '../../context.js';
import type { Direction, NetworkPolicy, Workload } from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import { policyRef } from '../../explain/explain.js';
import type { Endpoint } from '../../reach/engine.js';
import type { ExternalBlock } from '../../reach/externals.js';
import { formatRange } from '../../semantics/ip-set.js';
import type { PortSet } from '../../semantics/port-set.js';
import { lintIndex } from '../../lint/rules/support.js';
import { labelsMd } from '../describe.js';
import { blocks, boundedList, md, plural, whereMd, workloadMd } from '../markdown.js';

const LIMIT = 15;

/**
 * `workload` is the object hovered; `members` the model workloads standing for it (itself, or the pods
 * that represent a controller in a cluster dump).
 */
export function workloadHover(
  ctx: AnalysisContext,
  workload: Workload,
  members: readonly Workload[],
): string {
  const header = `**${workload.kind} ${md(qualifiedName(workload))}** (${whereMd(workload.anchor)})`;
  const ports = workload.ports.map((p) => md(`${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`));
  const facts = `Pod labels: ${labelsMd(workload.labels)}${ports.length > 0 ? ` · ports: ${ports.join(', ')}` : ''}`;
  if (members.length === 0) return blocks(header, facts, 'Not part of the analysis (no pod template).');
  const represented =
    members.length > 1 || members[0] !== workload
      ? `Represented by ${plural(members.length, 'pod')} of the workspace: ${members
          .slice(0, 5)
          .map((m) => `**${md(qualifiedName(m))}**`)
          .join(', ')}${members.length > 5 ? ', …' : ''}.`
      : undefined;
  const subject = members[0]!;
  const hostNetwork = subject.hostNetwork
    ? 'Runs on the host network: NetworkPolicies do not select it, and pod/namespace selectors do not match it (its traffic is node traffic).'
    : undefined;
  const isolation = (['ingress', 'egress'] as const).map((d) => isolationText(ctx, subject, d));

  const engine = ctx.engine;
  const own = new Set(members);
  const self = engine.classOf(subject);
  if (!self)
    return blocks(
      header,
      facts,
      represented,
      hostNetwork,
      isolation.map((l) => `- ${l}`),
    );
  const selfEndpoint: Endpoint = { kind: 'class', cls: self };

  const incoming: Entry[] = [];
  for (const cls of engine.classes) {
    const ports = engine.allowed({ kind: 'class', cls }, selfEndpoint);
    if (ports.isEmpty) continue;
    for (const m of cls.members) if (!own.has(m)) incoming.push(workloadEntry(m, ports));
  }
  for (const block of engine.externals) {
    const ports = engine.allowed({ kind: 'external', block }, selfEndpoint);
    if (!ports.isEmpty) incoming.push(externalEntry(block, ports));
  }
  const outgoing: Entry[] = [];
  for (const { dst, ports } of engine.reachableFrom(selfEndpoint)) {
    if (dst.kind === 'external') outgoing.push(externalEntry(dst.block, ports));
    else for (const m of dst.cls.members) if (!own.has(m)) outgoing.push(workloadEntry(m, ports));
  }
  return blocks(
    header,
    facts,
    represented,
    hostNetwork,
    isolation.map((l) => `- ${l}`),
    listText('May be reached from', incoming),
    listText('May reach', outgoing),
  );
}

interface Entry {
  readonly sort: string;
  readonly text: string;
}

function workloadEntry(w: Workload, ports: PortSet): Entry {
  return { sort: `0${qualifiedName(w)}`, text: `${workloadMd(w)} on ${md(ports.toString())}` };
}

function externalEntry(block: ExternalBlock, ports: PortSet): Entry {
  const ranges = block.ranges.ranges.map(formatRange);
  const shown =
    ranges.slice(0, 3).join(', ') + (ranges.length > 3 ? ` and ${ranges.length - 3} more ranges` : '');
  return { sort: `1${ranges[0] ?? ''}`, text: `addresses ${md(shown)} on ${md(ports.toString())}` };
}

function listText(title: string, entries: Entry[]): string[] {
  if (entries.length === 0) return [`**${title}**: nothing.`];
  entries.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  return [
    `**${title}** (${entries.length}):`,
    ...boundedList(
      entries.map((e) => e.text),
      LIMIT,
    ),
  ];
}

function isolationText(ctx: AnalysisContext, w: Workload, direction: Direction): string {
  const Dir = direction === 'ingress' ? 'Ingress' : 'Egress';
  const policies = lintIndex(ctx)
    .selecting(w)
    .filter((p: NetworkPolicy) => (direction === 'ingress' ? p.affectsIngress : p.affectsEgress));
  if (policies.length === 0) {
    return `${Dir}: not isolated; no NetworkPolicy selects it with ${Dir} in its policyTypes, so ${
      direction === 'ingress'
        ? 'every source whose egress allows it can connect'
        : 'it may connect anywhere the destination allows'
    }.`;
  }
  const names = policies.slice(0, 6).map((p) => md(policyRef(p)));
  return `${Dir}: isolated by ${names.join(', ')}${policies.length > 6 ? ` and ${policies.length - 6} more` : ''}.`;
}
