/**
 * Which policy APIs a CNI enforces (setting `netpolScope.cni`, `--cni`). A policy of an API the CNI does
 * not enforce "does nothing" on it: it gets `policy-api-not-enforced` and takes no part in reachability.
 * With `unknown`, every API the workspace holds is taken as enforced, and explanations say so.
 *
 * Sources:
 * - Calico enforces its own API and NetworkPolicy; AdminNetworkPolicy/BaselineAdminNetworkPolicy since
 *   3.29 (https://docs.tigera.io/calico/latest/network-policy/adminnetworkpolicy/), ClusterNetworkPolicy
 *   since 3.32 (network-policy-api implementations list).
 * - Cilium enforces CiliumNetworkPolicy/CiliumClusterwideNetworkPolicy and NetworkPolicy; ClusterNetworkPolicy
 *   since 1.20 (network-policy-api implementations list); it never implemented AdminNetworkPolicy v1alpha1.
 * - Antrea: NetworkPolicy, AdminNetworkPolicy/BaselineAdminNetworkPolicy (since 1.13), ClusterNetworkPolicy
 *   (2.7); its own crd.antrea.io policies are not analysed.
 * - OVN-Kubernetes: NetworkPolicy and AdminNetworkPolicy/BaselineAdminNetworkPolicy.
 * - AWS VPC CNI (network policy agent): NetworkPolicy, and ClusterNetworkPolicy (network-policy-api list).
 * - GKE Dataplane V2 is Cilium-based but enforces NetworkPolicy only (Cilium's CRDs are not available).
 * - azure-npm, weave, kube-router, openshift-sdn, kindnet: NetworkPolicy. flannel: none (lint cni-*).
 */
import type { PolicyApi } from '../model/rule-model.js';
import type { CniPlugin } from '../settings.js';

const v1: PolicyApi = 'NetworkPolicy';

const enforcedBy: Readonly<Record<CniPlugin, readonly PolicyApi[]>> = {
  unknown: [
    'NetworkPolicy',
    'AdminNetworkPolicy',
    'ClusterNetworkPolicy',
    'CiliumNetworkPolicy',
    'CalicoNetworkPolicy',
  ],
  calico: [v1, 'CalicoNetworkPolicy', 'AdminNetworkPolicy', 'ClusterNetworkPolicy'],
  cilium: [v1, 'CiliumNetworkPolicy', 'ClusterNetworkPolicy'],
  antrea: [v1, 'AdminNetworkPolicy', 'ClusterNetworkPolicy'],
  'ovn-kubernetes': [v1, 'AdminNetworkPolicy'],
  'aws-vpc-cni': [v1, 'ClusterNetworkPolicy'],
  'gke-dataplane-v2': [v1],
  'azure-npm': [v1],
  weave: [v1],
  'kube-router': [v1],
  'openshift-sdn': [v1],
  kindnet: [v1],
  flannel: [],
};

/**
 * The first version of a CNI that enforces an API, where support came later than the CNI's own policies:
 * Calico AdminNetworkPolicy 3.29, ClusterNetworkPolicy 3.32; Cilium ClusterNetworkPolicy 1.20; Antrea
 * AdminNetworkPolicy 1.13, ClusterNetworkPolicy 2.7 (see the file comment). Without a version, the latest.
 */
const since: Partial<Record<CniPlugin, Partial<Record<PolicyApi, string>>>> = {
  calico: { AdminNetworkPolicy: '3.29', ClusterNetworkPolicy: '3.32' },
  cilium: { ClusterNetworkPolicy: '1.20' },
  antrea: { AdminNetworkPolicy: '1.13', ClusterNetworkPolicy: '2.7' },
};

/** Compares dotted versions numerically (`3.9` < `3.29`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function cniEnforces(cni: CniPlugin, api: PolicyApi, version = ''): boolean {
  if (!enforcedBy[cni].includes(api)) return false;
  const first = since[cni]?.[api];
  return version === '' || first === undefined || compareVersions(version, first) >= 0;
}

/** The version from which a CNI enforces an API, when that came later (for messages). */
export function enforcedSince(cni: CniPlugin, api: PolicyApi): string | undefined {
  return since[cni]?.[api];
}

/** The APIs a CNI enforces, for messages. */
export function enforcedApis(cni: CniPlugin): readonly PolicyApi[] {
  return enforcedBy[cni];
}
