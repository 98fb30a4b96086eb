/**
 * A lint rule module: reads the analysis context and reports findings for one or more rule ids of
 * the registry (shared/rules/registry.ts), at their default severity. Settings decide afterwards
 * whether a finding is shown and how severe it is (see apply-settings.ts).
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import type { RuleId } from '../rules/registry.js';

export interface LintRule {
  /** The rule ids this module may report. */
  readonly ids: readonly RuleId[];
  check(ctx: AnalysisContext): Finding[];
}
