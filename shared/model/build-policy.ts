/**
 * Reads a NetworkPolicy (networking.k8s.io/v1) into the model, applying the API's defaults.
 *
 * From the API reference (https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/):
 * - `policyTypes`: "If this field is not specified, it will default based on the existence of ingress
 *   or egress rules; policies that contain an egress section are assumed to affect egress, and all
 *   policies (whether or not they contain an ingress section) are assumed to affect ingress."
 *   The defaulting code tests `len(spec.Egress) != 0`, so `egress: []` does not add Egress.
 * - `from`/`to`: "If this field is empty or missing, this rule matches all sources/destinations."
 * - `ports`: "If this field is empty or missing, this rule matches all ports."
 * - NetworkPolicyPort.protocol defaults to TCP; `port` absent matches all ports of the protocol.
 * - A peer's `podSelector` without `namespaceSelector` selects pods in the policy's namespace; a
 *   `namespaceSelector` without `podSelector` selects all pods of the matching namespaces.
 * The object is read tolerantly: malformed parts are skipped here and reported by the API validator.
 */
import type { SourceFile } from '../source/source-file.js';
import { get, isMap, isNull, isScalar, isSeq, numberValue, stringValue } from '../parse/snode.js';
import type { SNode } from '../parse/snode.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { objectAnchor } from '../parse/kube-objects.js';
import { IpRangeSet } from '../semantics/ip-set.js';
import { buildSelector } from './build-selector.js';
import type { Direction, NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, Protocol } from './types.js';

export function buildPolicy(object: KubeObject, namespace: string, rejected: boolean): NetworkPolicy {
  const file = object.file;
  const spec = get(object.node, 'spec');
  const podSelectorNode = get(spec, 'podSelector');
  const podSelector = podSelectorNode
    ? buildSelector(file, podSelectorNode)
    : { requirements: [], origin: { file, span: (spec ?? object.node).span }, invalid: false };
  const ingress = buildRules(file, get(spec, 'ingress'), 'ingress', 'from');
  const egress = buildRules(file, get(spec, 'egress'), 'egress', 'to');

  const typesNode = get(spec, 'policyTypes');
  const declaredTypes = isSeq(typesNode)
    ? typesNode.items.map((item) => (isScalar(item) && typeof item.value === 'string' ? item.value : ''))
    : [];
  const explicit = declaredTypes.length > 0;
  const egressSection = get(spec, 'egress');
  const hasEgressRules = isSeq(egressSection) && egressSection.items.length > 0;

  return {
    namespace,
    name: object.name ?? '<unnamed>',
    podSelector,
    affectsIngress: explicit ? declaredTypes.includes('Ingress') : true,
    affectsEgress: explicit ? declaredTypes.includes('Egress') : hasEgressRules,
    policyTypesExplicit: explicit,
    ingress,
    egress,
    origin: { file, span: object.node.span },
    anchor: { file, span: objectAnchor(object) },
    rejected,
  };
}

function buildRules(
  file: SourceFile,
  node: SNode | undefined,
  direction: Direction,
  peersKey: 'from' | 'to',
): PolicyRule[] {
  if (!isSeq(node)) return [];
  return node.items.map((item, index) => {
    const peersNode = get(item, peersKey);
    const portsNode = get(item, 'ports');
    const peers =
      isSeq(peersNode) && peersNode.items.length > 0
        ? peersNode.items.flatMap((p) => buildPeer(file, p))
        : 'all';
    const ports =
      isSeq(portsNode) && portsNode.items.length > 0
        ? portsNode.items.flatMap((p) => buildPort(file, p))
        : 'all';
    return { direction, index, peers, ports, origin: { file, span: item.span } } satisfies PolicyRule;
  });
}

function buildPeer(file: SourceFile, node: SNode): PolicyPeer[] {
  if (!isMap(node)) return [];
  const origin = { file, span: node.span };
  const ipBlock = get(node, 'ipBlock');
  if (ipBlock !== undefined && !isNull(ipBlock)) {
    const cidr = stringValue(get(ipBlock, 'cidr')) ?? '';
    const exceptNode = get(ipBlock, 'except');
    const except = isSeq(exceptNode) ? exceptNode.items.flatMap((e) => stringValue(e) ?? []) : [];
    const ranges = IpRangeSet.fromIpBlock(cidr, except) ?? IpRangeSet.empty;
    return [{ kind: 'ipBlock', cidr, except, ranges, origin }];
  }
  const podSelectorNode = get(node, 'podSelector');
  const namespaceSelectorNode = get(node, 'namespaceSelector');
  // A null selector in a peer is a nil pointer for the API: the field is absent.
  const podSelector =
    podSelectorNode && !isNull(podSelectorNode) ? buildSelector(file, podSelectorNode) : undefined;
  const namespaceSelector =
    namespaceSelectorNode && !isNull(namespaceSelectorNode)
      ? buildSelector(file, namespaceSelectorNode)
      : undefined;
  if (!podSelector && !namespaceSelector) return []; // an empty peer; the API rejects it
  return [{ kind: 'pods', podSelector, namespaceSelector, origin }];
}

function buildPort(file: SourceFile, node: SNode): PolicyPort[] {
  if (!isMap(node)) return [];
  const protocolText = stringValue(get(node, 'protocol')) ?? 'TCP';
  if (protocolText !== 'TCP' && protocolText !== 'UDP' && protocolText !== 'SCTP') return [];
  const portNode = get(node, 'port');
  let port: number | string | undefined;
  if (isScalar(portNode) && (typeof portNode.value === 'number' || typeof portNode.value === 'string'))
    port = portNode.value;
  return [
    {
      protocol: protocolText as Protocol,
      port,
      endPort: numberValue(get(node, 'endPort')),
      origin: { file, span: node.span },
    },
  ];
}
