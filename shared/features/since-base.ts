/**
 * The "since HEAD" code lenses: above each object of a file that changed since the base version (a git
 * revision the front end reads), what the change does to reachability: `since HEAD: opens 2 connections,
 * closes 1`, from the semantic diff (shared/diff/) of the base against the current analysis.
 */
import type { SourceFile, Span } from '../source/source-file.js';
import { lineSpanFrom } from '../source/source-file.js';
import type { ReachDiff } from '../diff/reach-diff.js';
import { causeCounts, diffSummary } from '../diff/format.js';

export function sinceBaseLenses(
  diff: ReachDiff,
  file: SourceFile,
  base: string,
): Array<{ span: Span; title: string }> {
  const counts = causeCounts(diff);
  const out: Array<{ span: Span; title: string }> = [];
  diff.causes.forEach((cause, index) => {
    const origin = cause.afterOrigin;
    if (!origin || origin.file.path !== file.path || cause.what !== 'policy') return;
    const c = counts.get(index) ?? { opens: 0, closes: 0, isolation: 0 };
    const parts = [diffSummary(c)];
    if (c.isolation > 0) parts.push(`${c.isolation} isolation change${c.isolation === 1 ? '' : 's'}`);
    out.push({
      span: lineSpanFrom(file.text, origin.span.start),
      title: `since ${base}: ${cause.change === 'added' ? 'new, ' : ''}${parts.join(', ')}`,
    });
  });
  return out;
}
