/** Every lint rule module, in the order their findings are reported. */
import type { LintRule } from '../rule.js';
import { namespaceSelectorAllRule } from './namespace-selector-all.js';
import { podSelectorCrossNamespaceRule } from './pod-selector-cross-namespace.js';
import { dnsEgressRule } from './dns-egress.js';
import { dnsEgressWrongTargetRule } from './dns-egress-wrong-target.js';
import { namespaceNameLabelRule } from './namespace-name-label.js';
import { namespaceSelectorUnmatchedRule } from './namespace-selector-unmatched.js';
import { policyTypesRule } from './policy-types.js';
import { allowAllRuleRule } from './allow-all-rule.js';
import { egressMetadataEndpointRule } from './egress-metadata-endpoint.js';
import { workspaceMatchingRule } from './workspace-matching.js';
import { splitRuleRule } from './split-rule.js';
import { workloadNotIsolatedRule } from './workload-not-isolated.js';
import { cniRule } from './cni.js';
import { servicePortRule } from './service-port.js';
import { policyApiNotAnalysedRule, policyApiNotEnforcedRule } from './policy-api-not-analysed.js';
import {
  adminPriorityOverlapRule,
  ciliumFqdnWithoutDnsRule,
  passUndecidedRule,
  policyRuleShadowedRule,
} from './policy-api-semantics.js';
import { observedFlowsRule } from './observed-flows.js';
import { otherSideDeniesRule } from './other-side-denies.js';
import { assertionsRule } from './assertions.js';

export const lintRules: readonly LintRule[] = [
  namespaceSelectorAllRule,
  podSelectorCrossNamespaceRule,
  dnsEgressRule,
  dnsEgressWrongTargetRule,
  namespaceNameLabelRule,
  namespaceSelectorUnmatchedRule,
  policyTypesRule,
  allowAllRuleRule,
  egressMetadataEndpointRule,
  workspaceMatchingRule,
  splitRuleRule,
  workloadNotIsolatedRule,
  servicePortRule,
  cniRule,
  policyApiNotAnalysedRule,
  policyApiNotEnforcedRule,
  adminPriorityOverlapRule,
  passUndecidedRule,
  policyRuleShadowedRule,
  ciliumFqdnWithoutDnsRule,
  otherSideDeniesRule,
  observedFlowsRule,
  assertionsRule,
];
