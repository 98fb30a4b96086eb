/**
 * Runs the semantic lint rules over an analysis context. API-validity and input findings come from
 * the workspace build; these rules add what is valid but probably not what was meant.
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import { compareFindings } from '../findings.js';
import { lintRules } from './rules/index.js';
import type { LintRule } from './rule.js';
import { describeError } from '../parse/yaml-loader.js';
import { objectAnchor } from '../parse/kube-objects.js';
import type { KubeObject } from '../parse/kube-objects.js';

export function runLint(ctx: AnalysisContext, rules: readonly LintRule[] = lintRules): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    let found: readonly Finding[];
    try {
      found = rule.check(ctx);
    } catch (error) {
      // Contained: the other rules still run. The rule's findings are missing wherever it would have
      // looked, so each file with a NetworkPolicy says so (and which rule, and why).
      out.push(...ruleFailures(ctx, rule, error));
      continue;
    }
    for (const finding of found) {
      if (!rule.ids.includes(finding.rule))
        throw new Error(`lint rule reported ${finding.rule}, which it does not declare`);
      out.push(finding);
    }
  }
  return out;
}

function ruleFailures(ctx: AnalysisContext, rule: LintRule, error: unknown): Finding[] {
  const files = new Map<string, KubeObject>();
  for (const object of ctx.workspace.policyObjects.values())
    if (!files.has(object.file.path)) files.set(object.file.path, object);
  const ids = rule.ids.join(', ');
  return [...files.values()].map((object) => ({
    rule: 'analysis-failed',
    severity: 'error',
    message: `netpol-scope failed to check ${ids} (${describeError(error)}); findings of ${rule.ids.length > 1 ? 'these rules' : 'this rule'} may be missing from this file. Please report this with the manifests.`,
    file: object.file,
    span: objectAnchor(object),
  }));
}

/**
 * The lint findings of a workspace for the façade, in file and position order, at their default
 * severities: per-file severity settings and inline suppressions are applied afterwards by the caller
 * (apply-settings.ts `applySettings`).
 */
export function lintWorkspace(ctx: AnalysisContext): Finding[] {
  return runLint(ctx).sort(compareFindings);
}
