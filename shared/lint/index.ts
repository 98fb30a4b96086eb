/**
 * Runs the semantic lint rules over an analysis context. API-validity and input findings come from
 * the workspace build; these rules add what is valid but probably not what was meant.
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import { compareFindings } from '../findings.js';
import { lintRules } from './rules/index.js';

export function runLint(ctx: AnalysisContext): Finding[] {
  const out: Finding[] = [];
  for (const rule of lintRules) {
    for (const finding of rule.check(ctx)) {
      if (!rule.ids.includes(finding.rule))
        throw new Error(`lint rule reported ${finding.rule}, which it does not declare`);
      out.push(finding);
    }
  }
  return out;
}

/**
 * The lint findings of a workspace for the façade, in file and position order, at their default
 * severities: per-file severity settings and inline suppressions are applied afterwards by the caller
 * (apply-settings.ts `applySettings`).
 */
export function lintWorkspace(ctx: AnalysisContext): Finding[] {
  return runLint(ctx).sort(compareFindings);
}
