/**
 * The policy APIs beyond NetworkPolicy v1 that the analysis models, read into the common rule model
 * (model/rule-model.ts): one module per API validates its objects and translates them.
 * - network-policy-api.ts: ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy/BaselineAdminNetworkPolicy v1alpha1
 * - cilium.ts: CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy
 * - calico.ts: Calico NetworkPolicy, GlobalNetworkPolicy, Tier
 * plan.ts then places NetworkPolicy v1 among them for the configured CNI.
 */
import type { Finding } from '../findings.js';
import type { KubeObject } from '../parse/kube-objects.js';
import type { CommonPolicy } from '../model/rule-model.js';
import { readCalicoPolicy, readCalicoTier } from './calico.js';
import type { CalicoTierInfo } from './calico.js';
import { readCiliumPolicy } from './cilium.js';
import { readNetworkPolicyApi } from './network-policy-api.js';

function groupOf(object: KubeObject): string {
  const v = object.apiVersion ?? '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
}

type Family = 'network-policy-api' | 'cilium' | 'calico' | 'calico-tier';

/** Which module reads the object, if any. */
export function modelledPolicyFamily(object: KubeObject): Family | undefined {
  const group = groupOf(object);
  const kind = object.kind;
  if (group === 'policy.networking.k8s.io') {
    if (
      kind === 'ClusterNetworkPolicy' ||
      kind === 'AdminNetworkPolicy' ||
      kind === 'BaselineAdminNetworkPolicy'
    )
      return 'network-policy-api';
    return undefined;
  }
  if (group === 'cilium.io')
    return kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy' ? 'cilium' : undefined;
  if (group === 'projectcalico.org' || group === 'crd.projectcalico.org') {
    if (kind === 'NetworkPolicy' || kind === 'GlobalNetworkPolicy') return 'calico';
    if (kind === 'Tier') return 'calico-tier';
  }
  return undefined;
}

export interface PolicyApiObjects {
  readonly policies: readonly CommonPolicy[];
  readonly findings: readonly Finding[];
}

/** Reads every modelled policy object (`namespace`: where an object without one lives). */
export function readPolicyApiObjects(
  objects: ReadonlyArray<{ readonly object: KubeObject; readonly namespace: string }>,
): PolicyApiObjects {
  const findings: Finding[] = [];
  const policies: CommonPolicy[] = [];
  const tiers = new Map<string, CalicoTierInfo>([
    ['default', { name: 'default', order: 1_000_000, defaultAction: 'Deny', declared: true }],
  ]);
  for (const { object } of objects) {
    if (modelledPolicyFamily(object) !== 'calico-tier') continue;
    const { tier, reader } = readCalicoTier(object);
    findings.push(...reader.findings);
    if (tier) tiers.set(tier.name, tier);
  }
  for (const { object, namespace } of objects) {
    const family = modelledPolicyFamily(object);
    if (family === 'network-policy-api') {
      const { policy, reader } = readNetworkPolicyApi(object);
      findings.push(...reader.findings);
      if (policy) policies.push(policy);
    } else if (family === 'cilium') {
      const read = readCiliumPolicy(object, namespace);
      findings.push(...read.reader.findings);
      policies.push(...read.policies);
    } else if (family === 'calico') {
      const { policy, reader } = readCalicoPolicy(object, namespace, (name) => tiers.get(name));
      findings.push(...reader.findings);
      if (policy) policies.push(policy);
    }
  }
  return { policies, findings };
}
