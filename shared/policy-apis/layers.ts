/**
 * The layers of evaluation, in the order the implementations document (model/rule-model.ts).
 *
 * - network-policy-api (ClusterNetworkPolicy v1alpha2, apis/v1alpha2/clusternetworkpolicy_types.go;
 *   AdminNetworkPolicy/BaselineAdminNetworkPolicy v1alpha1): "The Admin tier takes precedence over all
 *   other policies ... If Admin tier has not made a final decision (Accept or Deny) on a connection, then
 *   ... v1.NetworkPolicy ... If a given connection wasn't allowed or denied by any of the tiers, the
 *   default Kubernetes policy is applied": Admin tier, then NetworkPolicy, then the Baseline tier, then
 *   allow. Inside a tier, lower priority first; a policy's rules in order; Pass skips the rest of the tier.
 * - Calico (https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy): tiers in
 *   ascending `order`; "the default tier ... order 1,000,000"; Kubernetes NetworkPolicies are in the
 *   default tier with order 1000; Calico puts AdminNetworkPolicy in the `adminnetworkpolicy` tier
 *   (order 1,000) and BaselineAdminNetworkPolicy in `baselineadminnetworkpolicy` (order 10,000,000), so
 *   both sit where the network-policy-api puts them. In a tier, policies run in `order` (unset last); an
 *   endpoint some policy of the tier applies to is denied at the end of the tier when no rule decided.
 * - Cilium (https://docs.cilium.io/en/stable/security/policy/language/ and .../policy/deny/): Kubernetes
 *   NetworkPolicies and Cilium policies are one set: "deny policies take precedence over allow policies",
 *   and the allowed traffic is the union of the allow rules of every policy that selects the endpoint.
 */
import type { Layer } from '../model/rule-model.js';

export const adminTier: Layer = { id: 'admin', title: 'Admin tier', order: 1_000, mode: 'ordered' };

/** NetworkPolicy v1 where no other API shares its layer: the union of its allow rules. */
export const kubernetesLayer: Layer = {
  id: 'networkpolicy',
  title: 'NetworkPolicy',
  order: 1_000_000,
  mode: 'deny-first',
};

/** Cilium's policies together with the NetworkPolicies it enforces. */
export const ciliumLayer: Layer = {
  id: 'cilium',
  title: 'Cilium policies and NetworkPolicies',
  order: 1_000_001,
  mode: 'deny-first',
};

export const baselineTier: Layer = {
  id: 'baseline',
  title: 'Baseline tier',
  order: 10_000_000,
  mode: 'ordered',
};

/** Calico's default tier ("order 1,000,000"), which holds the Kubernetes NetworkPolicies on Calico. */
export const calicoDefaultTierOrder = 1_000_000;

/** The order Calico gives a Kubernetes NetworkPolicy inside the default tier. */
export const calicoKubernetesPolicyOrder = 1_000;

export function calicoTier(name: string, order: number): Layer {
  return { id: `calico:${name}`, title: `Calico tier ${name}`, order, mode: 'ordered' };
}

/** Layers in evaluation order (ties by id, for a stable order). */
export function compareLayers(a: Layer, b: Layer): number {
  return a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
