/**
 * Fix for `policy-api-superseded` on an AdminNetworkPolicy or BaselineAdminNetworkPolicy (v1alpha1):
 * rewrite it as a ClusterNetworkPolicy v1alpha2 with the same meaning, in minimal edits that keep its
 * comments and layout (network-policy-api v0.2, "ClusterNetworkPolicy replaces AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy"; apis/v1alpha2/clusternetworkpolicy_types.go):
 * - `apiVersion` becomes `policy.networking.k8s.io/v1alpha2`, `kind` `ClusterNetworkPolicy`;
 * - `tier: Admin` is added after `priority` (an AdminNetworkPolicy), or `tier: Baseline` and
 *   `priority: 0` after `subject` (the BaselineAdminNetworkPolicy, a singleton with no priority);
 * - `action: Allow` becomes `Accept` (Deny and Pass keep their names);
 * - `ports` becomes `protocols`: `portNumber {protocol, port}` -> `<protocol>: {destinationPort: {number}}`,
 *   `portRange {protocol, start, end}` -> `<protocol>: {destinationPort: {range: {start, end}}}`,
 *   `namedPort` -> `destinationNamedPort`.
 * Subjects and peers (`namespaces`, `pods`, `networks`, `nodes`) keep their shape.
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import { get, isMap, isScalar, isSeq, pairOf, stringValue } from '../parse/snode.js';
import type { SMap, SNode } from '../parse/snode.js';
import type { Fix, TextEdit } from './types.js';
import type { YamlValue } from './yaml-edit.js';
import { editorOfObject, objectAt, quickFix } from './target.js';

function protocolsOf(ports: SNode): YamlValue[] | undefined {
  if (!isSeq(ports)) return undefined;
  const out: YamlValue[] = [];
  for (const item of ports.items) {
    const named = stringValue(get(item, 'namedPort'));
    if (named !== undefined) {
      out.push({ destinationNamedPort: named });
      continue;
    }
    const number = get(item, 'portNumber');
    const range = get(item, 'portRange');
    const spec = number ?? range;
    if (!isMap(spec)) return undefined;
    const protocol = (stringValue(get(spec, 'protocol')) ?? 'TCP').toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(protocol)) return undefined;
    const value = (key: string) => {
      const n = get(spec, key);
      return isScalar(n) && typeof n.value === 'number' ? n.value : undefined;
    };
    if (number) {
      const port = value('port');
      if (port === undefined) return undefined;
      out.push({ [protocol]: { destinationPort: { number: port } } });
    } else {
      const start = value('start');
      const end = value('end');
      if (start === undefined || end === undefined) return undefined;
      out.push({ [protocol]: { destinationPort: { range: { start, end } } } });
    }
  }
  return out;
}

export function migrateToClusterNetworkPolicyFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const object = objectAt(ctx, finding.file, finding.span.start);
  if (!object || (object.kind !== 'AdminNetworkPolicy' && object.kind !== 'BaselineAdminNetworkPolicy'))
    return [];
  const editor = editorOfObject(ctx, object);
  const root = object.node;
  const spec = get(root, 'spec');
  const apiVersion = get(root, 'apiVersion');
  const kind = get(root, 'kind');
  if (!editor || !isMap(root) || !isMap(spec) || !isScalar(apiVersion) || !isScalar(kind)) return [];
  const baseline = object.kind === 'BaselineAdminNetworkPolicy';
  const parts: Array<TextEdit[] | undefined> = [
    editor.replaceScalar(apiVersion, 'policy.networking.k8s.io/v1alpha2'),
    editor.replaceScalar(kind, 'ClusterNetworkPolicy'),
  ];
  if (baseline) {
    parts.push(editor.insertPair(spec, 'tier', 'Baseline', 'subject'));
    parts.push(editor.insertPair(spec, 'priority', 0, 'subject'));
  } else parts.push(editor.insertPair(spec, 'tier', 'Admin', 'priority'));
  for (const direction of ['ingress', 'egress']) {
    const rules = get(spec, direction);
    if (!isSeq(rules)) continue;
    for (const rule of rules.items) {
      if (!isMap(rule)) return [];
      const action = get(rule, 'action');
      if (isScalar(action) && action.value === 'Allow') parts.push(editor.replaceScalar(action, 'Accept'));
      const ports = pairOf(rule as SMap, 'ports');
      if (!ports) continue;
      const protocols = protocolsOf(ports.value);
      if (!protocols) return [];
      parts.push(editor.replaceKey(ports, 'protocols'));
      parts.push(editor.setValue(ports, protocols));
    }
  }
  if (parts.some((p) => p === undefined)) return [];
  const edits = parts.flat() as TextEdit[];
  return quickFix(
    `Migrate to ClusterNetworkPolicy v1alpha2 (tier ${baseline ? 'Baseline' : 'Admin'})`,
    edits,
    false,
  );
}
