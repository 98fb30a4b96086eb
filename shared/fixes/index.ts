/**
 * Quick fixes and source actions. Fixes dispatch on the finding's rule id and typed `data`, never on its
 * message text; each family lives in its own module. Every fix is a list of minimal TextEdits
 * (yaml-edit.ts): comments, formatting and other documents of the file stay as they are. A fix that cannot
 * be made safely (a value shared through an alias, a layout the editor does not handle) is not offered,
 * and neither is one that would add an error or change the documents it edits (verify.ts), or break an
 * assertion of the workspace that held (keeps-assertions.ts).
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import type { RuleId } from '../rules/registry.js';
import type { SourceFile } from '../source/source-file.js';
import type { Fix } from './types.js';
import { unknownFieldFixes } from './unknown-field.js';
import { dnsIncompleteFixes, dnsMissingFixes } from './dns.js';
import {
  namespaceNameLabelFixes,
  namespaceSelectorAllFixes,
  podSelectorCrossNamespaceFixes,
} from './namespaces.js';
import { policyTypesIgnoredFixes, policyTypesImplicitFixes } from './policy-types.js';
import { metadataEndpointFixes } from './metadata-endpoint.js';
import { splitRuleFixes } from './split-rule.js';
import { servicePortFixes } from './service-port.js';
import { defaultDenyActions } from './default-deny.js';
import { fixKeepsDocuments } from './verify.js';
import { fixKeepsAssertions } from './keeps-assertions.js';
import { migrateToClusterNetworkPolicyFixes } from './migrate-cnp.js';
import { otherSideFixes } from './other-side.js';

type FixProvider = (ctx: AnalysisContext, finding: Finding) => Fix[];

const providers: Partial<Record<RuleId, FixProvider>> = {
  'api-unknown-field': unknownFieldFixes,
  'dns-egress-missing': dnsMissingFixes,
  'dns-egress-incomplete': dnsIncompleteFixes,
  'namespace-name-label': namespaceNameLabelFixes,
  'namespace-selector-all': namespaceSelectorAllFixes,
  'pod-selector-cross-namespace': podSelectorCrossNamespaceFixes,
  'policy-types-ignored-rules': policyTypesIgnoredFixes,
  'policy-types-implicit': policyTypesImplicitFixes,
  'egress-metadata-endpoint': metadataEndpointFixes,
  'split-rule': splitRuleFixes,
  'service-port-not-pod-port': servicePortFixes,
  'policy-api-superseded': migrateToClusterNetworkPolicyFixes,
  'other-side-denies': otherSideFixes,
};

/** The rules that have quick fixes. */
export const fixableRules: readonly RuleId[] = Object.keys(providers) as RuleId[];

/** The quick fixes of a finding (none when its rule has no fix or the fix cannot be made safely). */
export function fixesFor(ctx: AnalysisContext, finding: Finding): Fix[] {
  const provider = Object.hasOwn(providers, finding.rule) ? providers[finding.rule] : undefined;
  if (!provider) return [];
  try {
    return provider(ctx, finding).filter((fix) => fixKeepsDocuments(fix) && fixKeepsAssertions(ctx, fix));
  } catch {
    // Bad input never throws out of the core: a fix that cannot be computed is not offered.
    return [];
  }
}

/** Actions on a file at a cursor offset (not tied to a finding): create a default-deny policy. */
export function sourceActions(ctx: AnalysisContext, file: SourceFile, offset: number): Fix[] {
  try {
    return defaultDenyActions(ctx, file, offset);
  } catch {
    return [];
  }
}
