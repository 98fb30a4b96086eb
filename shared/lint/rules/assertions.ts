/**
 * The assertions files of the workspace (shared/assertions/), checked as you type:
 * - `assertion-invalid`: a part of the file that cannot be read (where it is, and why);
 * - `assertion-fails`: an assertion the policies break, on the assertion (with the first connection that
 *   breaks it and the rules that decide it) and on each of those rules or policies in the manifests (the
 *   lines that make it fail), with the assertion as related information.
 */
import type { Finding } from '../../findings.js';
import { assertionResults } from '../../assertions/evaluate.js';
import { resultSummary } from '../../assertions/format.js';
import type { LintRule } from '../rule.js';
import { lineSpanFrom } from '../../source/source-file.js';
import { finding } from './support.js';

export const assertionsRule: LintRule = {
  ids: ['assertion-invalid', 'assertion-fails'],
  check(ctx) {
    const out: Finding[] = [];
    for (const parsed of ctx.assertions ?? []) {
      for (const e of parsed.errors)
        out.push(finding('assertion-invalid', { file: parsed.file, span: e.span }, e.message));
      for (const result of assertionResults(ctx, parsed)) {
        if (result.holds) continue;
        const { assertion } = result;
        const first = result.violations[0];
        const rules = first?.rules.filter((r) => r.origin) ?? [];
        const where = rules.map((r) => `${r.policy} (${r.file}:${r.line}) ${r.effect} it on ${r.direction}`);
        out.push({
          ...finding(
            'assertion-fails',
            assertion.anchor,
            `Assertion "${assertion.name}" ${resultSummary(result)}${where.length > 0 ? `: ${where.join('; ')}` : ''}.`,
          ),
          ...(rules.length > 0
            ? {
                related: rules.map((r) => ({
                  file: r.origin!.file,
                  span: r.origin!.span,
                  message: `${r.effect} ${first!.from} → ${first!.to} on ${r.direction}`,
                })),
              }
            : {}),
        });
        // The lines that make it fail: every deciding rule of the listed violations, once.
        const seen = new Set<string>();
        for (const v of result.violations) {
          for (const r of v.rules) {
            if (!r.origin) continue;
            const key = `${r.origin.file.path}:${r.origin.span.start}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const verb =
              r.effect === 'allows'
                ? `allows ${v.from} → ${v.to} on ${v.ports.toString()}`
                : r.effect === 'denies'
                  ? `denies ${v.from} → ${v.to} on ${v.ports.toString()}`
                  : `isolates ${r.direction === 'ingress' ? v.to : v.from} for ${r.direction} without allowing ${v.from} → ${v.to} on ${v.ports.toString()}`;
            out.push({
              ...finding(
                'assertion-fails',
                // The first line of the rule or policy: a whole rule would cover the file.
                {
                  file: r.origin.file,
                  span: lineSpanFrom(r.origin.file.text, r.origin.span.start, r.origin.span.end),
                },
                `This ${r.effect === 'isolates' ? 'policy' : 'rule'} ${verb}, which breaks the assertion "${assertion.name}" (${parsed.file.path}:${parsed.file.lineColumn(assertion.origin.span.start).line}).`,
              ),
              related: [
                {
                  file: parsed.file,
                  span: assertion.anchor.span,
                  message: `the assertion "${assertion.name}"`,
                },
              ],
            });
          }
        }
      }
    }
    return out;
  },
};
