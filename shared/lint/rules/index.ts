/** Every lint rule module, in the order their findings are reported. */
import type { LintRule } from '../rule.js';

export const lintRules: readonly LintRule[] = [];
