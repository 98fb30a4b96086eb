/**
 * NetworkPolicy v1 in the common rule model, for workspaces that hold other policy APIs too (a workspace
 * with NetworkPolicy alone takes the engine's fast path, which reads the v1 model directly). The
 * semantics stay in semantics/policy-semantics.ts: selection (`policySelects`), peers
 * (`peerMatchesWorkload`) and ports (`portsOfRule`) are called, not restated. Every rule allows; a policy
 * isolates the pods it selects for its policy types.
 */
import type { CommonPolicy, CommonRule, Layer, WorkloadSet } from '../model/rule-model.js';
import type { NetworkPolicy, PolicyPeer, PolicyRule } from '../model/types.js';
import { qualifiedName } from '../model/types.js';
import {
  peerMatchesWorkload,
  policySelects,
  portsOfRule,
  ruleHasNamedPorts,
  rulesOf,
} from '../semantics/policy-semantics.js';
import { selectorKey, selectorText } from '../semantics/selector.js';
import { endpointSet, selectorLabelUse } from './sets.js';

export function kubernetesPolicy(policy: NetworkPolicy, layer: Layer, order: number): CommonPolicy {
  const rules: CommonRule[] = [];
  const common: CommonPolicy = {
    api: 'NetworkPolicy',
    kind: 'NetworkPolicy',
    name: policy.name,
    namespace: policy.namespace,
    layer,
    order,
    orderName: undefined,
    subject: endpointSet({
      key: `v1subject\u0000${policy.namespace}\u0000${selectorKey(policy.podSelector)}`,
      text: `pods with ${selectorText(policy.podSelector)} in namespace ${policy.namespace}`,
      labelUse: selectorLabelUse(policy.podSelector),
      origin: policy.podSelector.origin,
      pods: (w) => policySelects(policy, w),
    }),
    affectsIngress: policy.affectsIngress,
    affectsEgress: policy.affectsEgress,
    isolatesIngress: true,
    isolatesEgress: true,
    rules,
    origin: policy.origin,
    anchor: policy.anchor,
    v1: policy,
  };
  for (const direction of ['ingress', 'egress'] as const) {
    for (const rule of rulesOf(policy, direction)) rules.push(commonRule(common, policy, rule));
  }
  return common;
}

function commonRule(common: CommonPolicy, policy: NetworkPolicy, rule: PolicyRule): CommonRule {
  return {
    policy: common,
    direction: rule.direction,
    index: rule.index,
    name: undefined,
    action: 'allow',
    peers: rule.peers === 'all' ? 'all' : rule.peers.map((peer) => peerSet(peer, policy)),
    portsOn: (destinationPorts) => portsOfRule(rule, destinationPorts),
    namedPorts: ruleHasNamedPorts(rule),
    http: undefined,
    origin: rule.origin,
  };
}

function peerSet(peer: PolicyPeer, policy: NetworkPolicy): WorkloadSet {
  if (peer.kind === 'ipBlock') {
    const ranges = peer.ranges;
    return endpointSet({
      key: `v1ip\u0000${ranges.key}`,
      text: `addresses in ${peer.cidr}${peer.except.length > 0 ? ` except ${peer.except.join(', ')}` : ''}`,
      ranges: [ranges],
      origin: peer.origin,
      pods: (w, context) => context.hasAddressIn(w, ranges),
      addresses: (block) => ranges.contains(block),
    });
  }
  const scope = peer.namespaceSelector ? `n${selectorKey(peer.namespaceSelector)}` : `p${policy.namespace}`;
  return endpointSet({
    key: `v1pods\u0000${scope}\u0000${peer.podSelector ? selectorKey(peer.podSelector) : '*'}`,
    text: `peer of ${qualifiedName(policy)}`,
    labelUse: peer.podSelector ? selectorLabelUse(peer.podSelector) : [],
    origin: peer.origin,
    pods: (w, context) => peerMatchesWorkload(peer, policy, w, context.namespaces),
  });
}
