/**
 * The rule registry: every finding the analysis can report, with its stable id and default severity.
 *
 * This is the one list of rule ids. docs/rules.md documents each of them (a test checks that every id
 * here has a section there), the `check` CLI and the language server both report exactly these.
 */
import type { Severity } from '../findings.js';

export type RuleCategory = 'input' | 'api' | 'semantics';

export interface RuleDefinition {
  readonly id: string;
  readonly category: RuleCategory;
  readonly defaultSeverity: Severity;
  /** One line saying what the rule flags. */
  readonly title: string;
  /**
   * The other severities the rule reports where its context decides (docs/rules.md, "Severity policy"):
   * e.g. allow-all-rule is info, and a warning when the policy's name speaks against opening it.
   */
  readonly contextual: readonly Severity[];
}

function rule<const Id extends string>(
  id: Id,
  category: RuleCategory,
  defaultSeverity: Severity,
  title: string,
  contextual: readonly Severity[] = [],
): RuleDefinition & { readonly id: Id } {
  return { id, category, defaultSeverity, title, contextual };
}

export const rules = [
  // Input: the file could not be (fully) read as Kubernetes manifests.
  rule('yaml-syntax', 'input', 'error', 'YAML that does not parse'),
  rule('yaml-duplicate-key', 'input', 'error', 'A mapping repeats a key'),
  rule('yaml-alias-bomb', 'input', 'error', 'Aliases that expand to an unreasonable size'),
  rule('yaml-alias-cycle', 'input', 'error', 'An alias inside the collection its anchor names'),
  rule('yaml-too-deep', 'input', 'warning', 'Collections nested deeper than the analysis limit'),
  rule('helm-template', 'input', 'info', 'A Helm template that must be rendered before analysis'),
  rule('file-too-large', 'input', 'warning', 'A file above the size limit'),
  rule('analysis-failed', 'input', 'error', 'A file or rule that netpol-scope failed to analyse'),

  // API validity: what the Kubernetes API server would reject.
  rule('api-removed-version', 'api', 'error', 'A NetworkPolicy apiVersion that Kubernetes no longer serves'),
  rule('api-unknown-field', 'api', 'error', 'A field that the NetworkPolicy API does not define'),
  rule(
    'api-invalid-type',
    'api',
    'error',
    'A value of the wrong type, including null where an object is needed',
  ),
  rule('api-missing-field', 'api', 'error', 'A required field that is absent'),
  rule('api-invalid-name', 'api', 'error', 'An object name or namespace that is not a valid DNS name'),
  rule('api-invalid-cidr', 'api', 'error', 'An ipBlock cidr or except that is not a valid CIDR', ['warning']),
  rule('api-except-outside-cidr', 'api', 'error', 'An ipBlock except that is not inside its cidr'),
  rule('api-ipblock-with-selector', 'api', 'error', 'A peer that combines ipBlock with a selector'),
  rule('api-empty-peer', 'api', 'error', 'A peer with no selector and no ipBlock'),
  rule('api-invalid-port', 'api', 'error', 'A port number out of range or an invalid port name'),
  rule('api-invalid-protocol', 'api', 'error', 'A protocol other than TCP, UDP or SCTP'),
  rule('api-invalid-end-port', 'api', 'error', 'An endPort below port, with a named port, or without port'),
  rule('api-invalid-selector', 'api', 'error', 'A selector operator or values that the API rejects'),
  rule('api-invalid-label', 'api', 'error', 'A label key or value that the API rejects'),
  rule('api-invalid-policy-type', 'api', 'error', 'A policyTypes entry other than Ingress or Egress'),
  rule(
    'api-duplicate-policy',
    'api',
    'warning',
    'Two NetworkPolicies with the same name in one namespace: one replaces the other',
    ['info'],
  ),

  // Semantics: valid policies that probably do not do what their author meant.
  rule(
    'namespace-selector-all',
    'semantics',
    'warning',
    '`namespaceSelector: {}` admits every namespace, present and future',
    ['info'],
  ),
  rule(
    'pod-selector-cross-namespace',
    'semantics',
    'warning',
    'A bare podSelector peer that only matches pods of other namespaces',
  ),
  rule(
    'dns-egress-missing',
    'semantics',
    'warning',
    'Egress isolation without a DNS allow on UDP and TCP 53',
    ['info'],
  ),
  rule('dns-egress-incomplete', 'semantics', 'warning', 'A DNS allow that misses UDP or TCP'),
  rule(
    'dns-egress-wrong-target',
    'semantics',
    'warning',
    'A DNS allow whose peers cannot be the cluster DNS',
  ),
  rule(
    'namespace-name-label',
    'semantics',
    'warning',
    'Selecting a namespace by a `name` label that Kubernetes does not set',
    ['info'],
  ),
  rule(
    'namespace-selector-unmatched',
    'semantics',
    'warning',
    'A namespaceSelector that matches no namespace because the namespace it names lacks the label',
  ),
  rule(
    'policy-types-ignored-rules',
    'semantics',
    'warning',
    'Rules of a direction missing from policyTypes are ignored',
  ),
  rule(
    'policy-types-implicit',
    'semantics',
    'info',
    'policyTypes omitted: the effective types are defaulted',
  ),
  rule('allow-all-rule', 'semantics', 'info', 'A rule that allows every peer', ['warning']),
  rule(
    'egress-metadata-endpoint',
    'semantics',
    'warning',
    'Egress to 0.0.0.0/0 or ::/0 that leaves the cloud metadata endpoint reachable',
    ['info'],
  ),
  rule(
    'policy-selects-nothing',
    'semantics',
    'info',
    'A policy whose podSelector selects no workload of the workspace',
    ['warning'],
  ),
  rule('peer-matches-nothing', 'semantics', 'info', 'A peer that matches no workload of the workspace', [
    'warning',
  ]),
  rule('named-port-unresolved', 'semantics', 'warning', 'A named port that no destination pod declares'),
  rule(
    'split-rule',
    'semantics',
    'warning',
    'A rule split in two by a stray `-`: peers in one rule, ports alone in the next',
  ),
  rule(
    'service-port-not-pod-port',
    'semantics',
    'warning',
    "An ingress port that is a Service's port, while the pods listen on its targetPort",
  ),
  rule('workload-not-isolated', 'semantics', 'info', 'A workload that no policy selects'),
  rule('cni-no-enforcement', 'semantics', 'warning', 'The configured CNI does not enforce NetworkPolicy'),
  rule(
    'cni-unsupported-feature',
    'semantics',
    'warning',
    'The configured CNI does not support a feature the policy uses',
  ),
  rule(
    'policy-api-not-analysed',
    'semantics',
    'info',
    'A policy of another API (Antrea, GKE, OVN-Kubernetes, ...) that is not analysed yet',
  ),
  rule(
    'policy-api-invalid',
    'api',
    'error',
    'A ClusterNetworkPolicy, AdminNetworkPolicy, Cilium or Calico policy that its API rejects',
    ['warning', 'info'],
  ),
  rule(
    'policy-api-superseded',
    'api',
    'info',
    'An AdminNetworkPolicy or BaselineAdminNetworkPolicy (v1alpha1), superseded by ClusterNetworkPolicy v1alpha2',
  ),
  rule(
    'policy-api-not-modelled',
    'api',
    'info',
    'A valid part of a policy of another API that the analysis does not model',
  ),
  rule(
    'admin-priority-overlap',
    'semantics',
    'warning',
    'Two policies of one tier at the same priority that decide the same traffic differently',
  ),
  rule('pass-undecided', 'semantics', 'info', 'A Pass whose traffic no lower layer of the workspace decides'),
  rule(
    'policy-rule-shadowed',
    'semantics',
    'warning',
    'A rule that an earlier rule always decides first, so it never decides anything',
  ),
  rule(
    'cilium-fqdn-without-dns',
    'semantics',
    'warning',
    'A Cilium toFQDNs rule without a DNS rule that lets the proxy see the lookups',
    ['info'],
  ),
  rule(
    'policy-api-not-enforced',
    'semantics',
    'warning',
    'A policy of an API that the configured CNI does not enforce',
  ),
  rule(
    'other-side-denies',
    'semantics',
    'warning',
    "A rule allows a connection that the other side's policies deny",
  ),
  rule(
    'assertion-invalid',
    'input',
    'error',
    'A part of the assertions file (netpol-scope.assertions.yaml) that cannot be read',
  ),
  rule(
    'assertion-fails',
    'semantics',
    'error',
    'An assertion of the assertions file that the policies break',
  ),
  rule(
    'flow-would-drop',
    'semantics',
    'warning',
    'The policies deny connections that observed traffic shows (loaded flow files)',
  ),
  rule(
    'flow-flagged',
    'semantics',
    'info',
    'Observed traffic worth a second look (metadata endpoint, kube-system, undeclared port, a skipped tier, unexposed entry)',
  ),
] as const;

export type RuleId = (typeof rules)[number]['id'];

export const ruleById: ReadonlyMap<string, RuleDefinition> = new Map(rules.map((r) => [r.id, r]));

export function isRuleId(id: string): id is RuleId {
  return ruleById.has(id);
}
