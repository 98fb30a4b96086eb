/**
 * cni-no-enforcement and cni-unsupported-feature: what the configured CNI plugin (setting
 * `netpolScope.cni`) does with the policies. "Network policies are implemented by the network plugin. To
 * use network policies, you must be using a networking solution which supports NetworkPolicy. Creating a
 * NetworkPolicy resource without a controller that implements it will have no effect."
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites).
 * With `unknown` (the default) nothing is reported.
 *
 * The facts, each with its source. Plugins not listed here enforce the features this rule checks, as far
 * as their documentation says; versions are not configurable, so a feature added in a recent release
 * counts as supported.
 * - flannel: no enforcement. "Flannel is focused on networking ... flanneld does not natively enforce
 *   Network Policies" (https://github.com/flannel-io/flannel, README); NetworkPolicy needs another
 *   controller next to it, e.g. Calico as "Canal" (https://docs.tigera.io/calico/latest/getting-started/kubernetes/flannel/).
 * - kindnet: enforces since kind v0.24.0, which runs kube-network-policies in kindnetd
 *   (https://kindnet.es/docs/user/network-policies); older kind clusters do not. Not reported.
 * - aws-vpc-cni: enforces from VPC CNI 1.14 once network policy is enabled ("network policies are not
 *   enabled by default. You must opt-in", https://aws.github.io/amazon-vpc-cni-k8s/docs/network-policy-faq.html;
 *   https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html). Choosing this
 *   setting is taken to mean it is enabled; the docs of the rule say to check it. Not reported.
 * - endPort (stable since Kubernetes 1.25, KEP-2079, https://www.kubernetes.dev/resources/keps/2079/):
 *   "endPort field MUST BE SUPPORTED by the Network Policy provider. In case your provider does not support
 *   endPort ... the Network Policy will be created covering only the port field (single port)"
 *   (kubernetes/kubernetes#110868). Not supported by:
 *   - weave: weave-npc reads only `protocol` and `port` of each NetworkPolicyPort
 *     (weaveworks/weave npc/analyser.go, withNormalisedProtoAndPort); Weave Net is no longer maintained.
 *   - azure-npm: "Current NPM version in production does not support EndPort" (Azure/AKS#2857,
 *     Azure/azure-container-networking#2313).
 *   (Cilium ignored endPort before 1.16, cilium/cilium#28684, and documents port ranges since
 *   cilium/cilium#33389; counted as supported.)
 * - SCTP (https://kubernetes.io/docs/concepts/services-networking/network-policies/#sctp-support: "You must
 *   be using a CNI plugin that supports SCTP protocol NetworkPolicies"):
 *   - kube-router: not supported (cloudnativelabs/kube-router#1019, open).
 *   - cilium: "SCTP support (beta)", off unless installed with `sctp.enabled=true`
 *     (https://docs.cilium.io/en/stable/configuration/sctp/).
 *   - gke-dataplane-v2: only on GKE 1.32.2-gke.1297000 or later with Ubuntu node images
 *     (https://cloud.google.com/kubernetes-engine/docs/how-to/deploy-workloads-with-sctp).
 * - openshift-sdn: "Network policy for OpenShift SDN does not support egress rules and some ipBlock rules"
 *   up to OpenShift 4.9 (https://docs.openshift.com/container-platform/4.7/networking/openshift_sdn/about-openshift-sdn.html);
 *   the 4.10 feature matrix lists Kubernetes network policy as supported
 *   (https://docs.redhat.com/en/documentation/openshift_container_platform/4.10/html/networking/openshift-sdn-default-cni-network-provider).
 *   Counted as supported, like other features of recent releases.
 */
import type { AnalysisContext } from '../../context.js';
import type { Finding } from '../../findings.js';
import type { NetworkPolicy } from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import type { CniPlugin } from '../../settings.js';
import { rulesOf } from '../../reach/engine.js';
import type { LintRule } from '../rule.js';
import { finding, keySpan, lintIndex, nodeOf, ruleName, valueSpan } from './support.js';
import type { At } from './support.js';

export type CniFeature = 'endPort' | 'SCTP';

interface CniFacts {
  /** Why the plugin does not enforce NetworkPolicy at all. */
  readonly noEnforcement?: string;
  /** Per feature: why the plugin does not support it. */
  readonly unsupported?: Partial<Record<CniFeature, string>>;
}

const facts: Partial<Record<CniPlugin, CniFacts>> = {
  flannel: {
    noEnforcement:
      'flannel provides pod networking only and does not enforce NetworkPolicy; run a policy controller next to it (e.g. Calico, as "Canal")',
  },
  weave: {
    unsupported: {
      endPort:
        'weave-npc reads only port and protocol, so the rule covers port alone, not the range up to endPort',
    },
  },
  'azure-npm': {
    unsupported: {
      endPort:
        'Azure Network Policy Manager does not support endPort, so the rule covers port alone, not the range',
    },
  },
  'kube-router': {
    unsupported: { SCTP: 'kube-router does not implement SCTP in network policies' },
  },
  cilium: {
    unsupported: {
      SCTP: "Cilium's SCTP support is beta and off unless Cilium is installed with sctp.enabled=true",
    },
  },
  'gke-dataplane-v2': {
    unsupported: {
      SCTP: 'GKE Dataplane V2 supports SCTP only from GKE 1.32.2-gke.1297000 on Ubuntu node images',
    },
  },
};

export const cniRule: LintRule = {
  ids: ['cni-no-enforcement', 'cni-unsupported-feature'],
  check(ctx) {
    const cni = ctx.settings.cni;
    const known = facts[cni];
    if (cni === 'unknown' || !known) return [];
    const out: Finding[] = [];
    for (const policy of lintIndex(ctx).policies) {
      if (known.noEnforcement) {
        out.push(
          finding(
            'cni-no-enforcement',
            policy.anchor,
            `The configured CNI is ${cni}: ${known.noEnforcement}. ${qualifiedName(policy)} is accepted by the API server but has no effect.`,
            { cni },
          ),
        );
        continue;
      }
      for (const use of featureUses(ctx, policy)) {
        const reason = known.unsupported?.[use.feature];
        if (!reason) continue;
        out.push(
          finding(
            'cni-unsupported-feature',
            use.at,
            `${use.where} of ${qualifiedName(policy)} uses ${use.feature}, but the configured CNI is ${cni}: ${reason}.`,
            { cni, feature: use.feature },
          ),
        );
      }
    }
    return out;
  },
};

interface FeatureUse {
  readonly feature: CniFeature;
  readonly at: At;
  readonly where: string;
}

function featureUses(ctx: AnalysisContext, policy: NetworkPolicy): FeatureUse[] {
  const out: FeatureUse[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    for (const rule of rulesOf(policy, direction)) {
      if (rule.ports === 'all') continue;
      for (const port of rule.ports) {
        const node = nodeOf(ctx, policy, port.origin);
        const file = port.origin.file;
        if (port.endPort !== undefined) {
          out.push({
            feature: 'endPort',
            at: { file, span: keySpan(node, 'endPort') ?? port.origin.span },
            where: ruleName(rule),
          });
        }
        if (port.protocol === 'SCTP') {
          out.push({
            feature: 'SCTP',
            at: { file, span: valueSpan(node, 'protocol') ?? port.origin.span },
            where: ruleName(rule),
          });
        }
      }
    }
  }
  return out;
}
