/**
 * egress-metadata-endpoint: an egress ipBlock that holds the cloud instance metadata endpoint, on a rule
 * that allows TCP 80, with no `except` for it.
 *
 * The metadata service answers at 169.254.169.254 on AWS, Google Cloud and Azure, and at fd00:ec2::254
 * on AWS's IPv6 endpoint (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html);
 * it can hand out the node's credentials. Kubernetes advises restricting pods' access to it
 * ("Restricting cloud metadata API access",
 * https://kubernetes.io/docs/tasks/administer-cluster/securing-a-cluster/#restricting-cloud-metadata-api-access).
 * An ipBlock matches the addresses of `cidr` minus `except` (IPBlock in the API reference), so
 * `0.0.0.0/0` without `except: [169.254.169.254/32]` lets the selected pods reach it.
 *
 * An ipBlock that names the endpoint itself (its cidr holds nothing else, e.g. `169.254.169.254/32`) is
 * an explicit allow, and intended (info, without a suggestion: an `except` equal to its `cidr` is rejected
 * by the API server).
 */
import type { Finding } from '../../findings.js';
import { qualifiedName } from '../../model/types.js';
import { get } from '../../parse/snode.js';
import { portsOfRule } from '../../semantics/policy-semantics.js';
import { rulesOf } from '../../reach/engine.js';
import type { LintRule } from '../rule.js';
import { finding, lintIndex, nodeOf, ruleName } from './support.js';

const endpoints = [
  { address: '169.254.169.254', except: '169.254.169.254/32' },
  { address: 'fd00:ec2::254', except: 'fd00:ec2::254/128' },
] as const;

export const egressMetadataEndpointRule: LintRule = {
  ids: ['egress-metadata-endpoint'],
  check(ctx) {
    const out: Finding[] = [];
    for (const policy of lintIndex(ctx).policies) {
      for (const rule of rulesOf(policy, 'egress')) {
        if (rule.peers === 'all') continue;
        // The endpoint is an address outside the pod network: named ports resolve to nothing there.
        if (!portsOfRule(rule, undefined).has('TCP', 80)) continue;
        for (const peer of rule.peers) {
          if (peer.kind !== 'ipBlock') continue;
          for (const endpoint of endpoints) {
            if (!peer.ranges.containsAddress(endpoint.address)) continue;
            const cidr = get(get(nodeOf(ctx, policy, peer.origin), 'ipBlock'), 'cidr');
            const at = {
              file: peer.origin.file,
              span: (cidr ?? nodeOf(ctx, policy, peer.origin))?.span ?? peer.origin.span,
            };
            if (peer.cidr === endpoint.except || peer.cidr === endpoint.address) {
              out.push(
                finding(
                  'egress-metadata-endpoint',
                  at,
                  `ipBlock ${peer.cidr} in ${ruleName(rule)} of ${qualifiedName(policy)} explicitly allows ${endpoint.address}, the cloud ` +
                    `instance metadata endpoint, which can hand out the node's credentials. Reported as info: an explicit allow is intended; ` +
                    `make sure these pods need it.`,
                  undefined,
                  'info',
                ),
              );
              continue;
            }
            out.push(
              finding(
                'egress-metadata-endpoint',
                at,
                `ipBlock ${peer.cidr} in ${ruleName(rule)} of ${qualifiedName(policy)} includes ${endpoint.address}, the cloud ` +
                  `instance metadata endpoint, and the rule allows TCP 80: the selected pods can read the node's metadata and ` +
                  `credentials. Add \`${endpoint.except}\` to \`except\` unless they need it.`,
                { address: endpoint.address, except: endpoint.except },
              ),
            );
          }
        }
      }
    }
    return out;
  },
};
