/**
 * Hovers and code lenses of an assertions file: each assertion's current verdict (shared/assertions/),
 * the connections that break it and the rules that decide them.
 */
import type { AnalysisContext } from '../../context.js';
import type { SourceFile, Span } from '../../source/source-file.js';
import { lineSpanFrom } from '../../source/source-file.js';
import { assertionResults } from '../../assertions/evaluate.js';
import type { AssertionResult } from '../../assertions/evaluate.js';
import { resultSummary } from '../../assertions/format.js';
import type { ParsedAssertions } from '../../assertions/parse.js';
import { blocks, boundedList, md } from '../markdown.js';

/** The assertions file the analysis read from this file, if it is one. */
export function assertionsOf(ctx: AnalysisContext, file: SourceFile): ParsedAssertions | undefined {
  return ctx.assertions?.find(
    (p) => p.file === file || (p.file.path === file.path && p.file.text === file.text),
  );
}

export function assertionHover(
  ctx: AnalysisContext,
  file: SourceFile,
  offset: number,
): { markdown: string; span: Span } | undefined {
  const parsed = assertionsOf(ctx, file);
  if (!parsed) return undefined;
  const result = assertionResults(ctx, parsed).find(
    (r) => r.assertion.origin.span.start <= offset && offset <= r.assertion.origin.span.end,
  );
  if (!result) return undefined;
  return { markdown: resultMarkdown(result), span: result.assertion.anchor.span };
}

function resultMarkdown(r: AssertionResult): string {
  const head = `${r.holds ? '✓' : '✗'} **${md(r.assertion.name)}** ${md(resultSummary(r))}`;
  if (r.holds || r.violations.length === 0) return head;
  return blocks(
    head,
    boundedList(
      r.violations.map((v) => {
        const rules = v.rules.map((x) =>
          x.policy !== undefined
            ? `${md(x.direction)}: ${md(x.policy)} (${md(`${x.file}:${x.line}`)}) ${md(x.effect)}`
            : `${md(x.direction)}: ${md(x.effect)}`,
        );
        return `${md(`${v.from} → ${v.to}`)} on ${md(v.ports.toString())}${rules.length > 0 ? ` — ${rules.join('; ')}` : ''}`;
      }),
      5,
    ),
  );
}

/** One lens per assertion, on its first line: `✓ holds (8 connections checked)` or `✗ fails: ...`. */
export function assertionLenses(
  ctx: AnalysisContext,
  file: SourceFile,
): Array<{ span: Span; title: string }> {
  const parsed = assertionsOf(ctx, file);
  if (!parsed) return [];
  return assertionResults(ctx, parsed).map((r) => ({
    span: lineSpanFrom(file.text, r.assertion.origin.span.start),
    title: `${r.holds ? '✓' : '✗'} ${resultSummary(r)}`,
  }));
}
