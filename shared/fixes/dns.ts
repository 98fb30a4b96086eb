/**
 * Fixes for the egress-DNS rules (shared/lint/rules/dns-egress.ts):
 * - `dns-egress-missing` (data `{ policy }`): append an egress rule to the cluster DNS on UDP and TCP, for
 *   the DNS target of the settings (`netpolScope.dns`); `egress:` is created when absent and policyTypes
 *   is left as it is;
 * - `dns-egress-incomplete` (data `{ missingProtocol, policy, rule }`, on the ports entry): add the entry
 *   for the other protocol, on the same port, right after the existing one.
 *
 * The targets are those of shared/semantics/cluster-dns.ts: kube-dns/CoreDNS (`k8s-app=kube-dns` in
 * kube-system, port 53), NodeLocal DNSCache (169.254.20.10, port 53), OpenShift DNS
 * (`dns.operator.openshift.io/daemonset-dns=default` in openshift-dns, pod port 5353), or the custom
 * namespace/labels or address of the settings.
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import { METADATA_NAME_LABEL } from '../model/build-cluster.js';
import type { SMap, SNode } from '../parse/snode.js';
import { get, isMap, isSeq, numberValue, stringValue } from '../parse/snode.js';
import { dnsPorts, dnsTargets } from '../semantics/cluster-dns.js';
import type { DnsSettings } from '../settings.js';
import type { Fix } from './types.js';
import type { YamlValue } from './yaml-edit.js';
import { editorOfObject, ownPair, policyOf, quickFix, specOf } from './target.js';

interface DnsRule {
  readonly peer: YamlValue;
  readonly port: number;
}

/**
 * The peer and port of the cluster DNS the settings name (shared/semantics/cluster-dns.ts; with `auto`,
 * the first target: kube-dns/CoreDNS).
 */
export function dnsRuleFor(dns: DnsSettings): DnsRule {
  const target = dnsTargets(dns)[0]!;
  const where = target.where;
  if (where.kind === 'address') {
    return {
      peer: { ipBlock: { cidr: `${where.ip}/${where.ip.includes(':') ? 128 : 32}` } },
      port: target.port,
    };
  }
  return {
    peer: {
      namespaceSelector: { matchLabels: { [METADATA_NAME_LABEL]: where.namespace } },
      podSelector: Object.keys(where.labels).length > 0 ? { matchLabels: { ...where.labels } } : {},
    },
    port: target.port,
  };
}

export function dnsMissingFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const target = policyOf(ctx, finding);
  const editor = target && editorOfObject(ctx, target.object);
  const spec = editor && target && specOf(editor, target.object);
  if (!editor || !spec) return [];
  const dns = dnsRuleFor(ctx.settings.dns);
  const rule: YamlValue = {
    to: [dns.peer],
    ports: [
      { port: dns.port, protocol: 'UDP' },
      { port: dns.port, protocol: 'TCP' },
    ],
  };
  const title = `Add DNS egress (UDP/TCP ${dns.port})`;
  const egress = ownPair(editor, spec, 'egress');
  if (!egress) {
    const after = ownPair(editor, spec, 'ingress') ? 'ingress' : undefined;
    return quickFix(title, editor.insertPair(spec, 'egress', [rule], after), true);
  }
  if (isSeq(egress.value)) return quickFix(title, editor.appendItem(egress.value, rule), true);
  if (egress.value.kind === 'scalar' && egress.value.value === null) {
    return quickFix(title, editor.setValue(egress, [rule]), true);
  }
  return [];
}

export function dnsIncompleteFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const data = finding.data ?? {};
  const missing = data.missingProtocol;
  if (missing !== 'UDP' && missing !== 'TCP') return [];
  const present = missing === 'UDP' ? 'TCP' : 'UDP';
  const target = policyOf(ctx, finding);
  const editor = target && editorOfObject(ctx, target.object);
  const spec = editor && target && specOf(editor, target.object);
  if (!editor || !spec) return [];
  const rules = ownPair(editor, spec, 'egress')?.value;
  if (!isSeq(rules)) return [];
  const holds = (node: SNode) => finding.span.start >= node.span.start && finding.span.start < node.span.end;
  const rule =
    rules.items.find(holds) ?? (typeof data.rule === 'number' ? rules.items[data.rule] : undefined);
  const ports = ownPair(editor, rule, 'ports')?.value;
  if (!isSeq(ports)) return [];
  const protocolOf = (entry: SNode) => stringValue(get(entry, 'protocol')) ?? 'TCP';
  let index = ports.items.findIndex((entry) => entry.span.start === finding.span.start);
  if (index < 0) {
    const ports53 = dnsPorts(dnsTargets(ctx.settings.dns));
    index = ports.items.findIndex(
      (entry) => protocolOf(entry) === present && ports53.has(numberValue(get(entry, 'port')) ?? -1),
    );
  }
  const entry = ports.items[index];
  if (!isMap(entry)) return [];
  const port = portOf(entry, ctx);
  const edits = editor.insertItem(ports, { port, protocol: missing }, index);
  return quickFix(`Add DNS over ${missing}`, edits, true);
}

/** The port number of an entry; for a named port, the DNS target's port number. */
function portOf(entry: SMap, ctx: AnalysisContext): number {
  return numberValue(get(entry, 'port')) ?? dnsRuleFor(ctx.settings.dns).port;
}
