/**
 * spec validation, in the order of ValidateNetworkPolicySpec (kubernetes/kubernetes
 * pkg/apis/networking/validation/validation.go): the podSelector, then each ingress rule's ports and
 * `from` peers, each egress rule's ports and `to` peers, then policyTypes. Values of the wrong type are
 * skipped here: the structure check reports them.
 */
import { isMap, isSeq } from '../parse/snode.js';
import { validatePeer } from './peers.js';
import { validatePolicyTypes } from './policy-types.js';
import { validatePort } from './ports.js';
import { childAt, itemsAt } from './report.js';
import type { At, Reporter } from './report.js';
import { validateSelector } from './selectors.js';

const directions = [
  { rules: 'ingress', peers: 'from' },
  { rules: 'egress', peers: 'to' },
] as const;

export function validateSpec(r: Reporter, spec: At): void {
  if (!isMap(spec.node)) return;
  const podSelector = childAt(spec, 'podSelector');
  if (podSelector && isMap(podSelector.node)) validateSelector(r, podSelector);

  for (const direction of directions) {
    const rules = childAt(spec, direction.rules);
    if (!rules || !isSeq(rules.node)) continue;
    for (const rule of itemsAt(rules)) {
      if (!isMap(rule.node)) continue;
      const ports = childAt(rule, 'ports');
      if (ports && isSeq(ports.node)) for (const port of itemsAt(ports)) validatePort(r, port);
      const peers = childAt(rule, direction.peers);
      if (peers && isSeq(peers.node)) for (const peer of itemsAt(peers)) validatePeer(r, peer);
    }
  }

  const policyTypes = childAt(spec, 'policyTypes');
  if (policyTypes) validatePolicyTypes(r, policyTypes);
}
