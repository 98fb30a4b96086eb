/**
 * The policies one engine evaluates for a CNI: those of the APIs it enforces (cni.ts), with the
 * NetworkPolicies placed where that CNI puts them (layers.ts): on Calico in the default tier at order
 * 1000, on Cilium in one set with Cilium's policies, elsewhere in a layer of their own between the Admin
 * and Baseline tiers. Undefined when only NetworkPolicy v1 takes part: the engine's fast path.
 */
import type { CommonPolicy } from '../model/rule-model.js';
import type { ClusterModel } from '../model/types.js';
import type { CniPlugin } from '../settings.js';
import { cniEnforces } from './cni.js';
import { kubernetesPolicy } from './kubernetes.js';
import {
  calicoDefaultTierOrder,
  calicoKubernetesPolicyOrder,
  calicoTier,
  ciliumLayer,
  kubernetesLayer,
} from './layers.js';

export function layeredPolicies(
  model: ClusterModel,
  cni: CniPlugin,
  version = '',
): readonly CommonPolicy[] | undefined {
  const others = (model.apiPolicies ?? []).filter((p) => cniEnforces(cni, p.api, version));
  if (others.length === 0) return undefined;
  const calico = others.some((p) => p.api === 'CalicoNetworkPolicy');
  const cilium = others.some((p) => p.api === 'CiliumNetworkPolicy');
  const layer = calico
    ? calicoTier('default', calicoDefaultTierOrder)
    : cilium
      ? ciliumLayer
      : kubernetesLayer;
  const order = calico ? calicoKubernetesPolicyOrder : 0;
  const v1 = model.policies.filter((p) => !p.rejected).map((p) => kubernetesPolicy(p, layer, order));
  return [...others, ...v1];
}
