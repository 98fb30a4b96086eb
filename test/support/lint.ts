/** Test helpers for the semantic lint rules (shared/lint): run them on inline YAML and assert findings. */
import assert from 'node:assert/strict';
import type { AnalysisContext } from '../../shared/context.js';
import type { Finding, Severity } from '../../shared/findings.js';
import type { RuleId } from '../../shared/rules/registry.js';
import { lintWorkspace } from '../../shared/lint/index.js';
import { contextOf } from './context.js';
import { dedent, textOf } from './manifests.js';

/** YAML documents, each dedented on its own, joined with `---` (a file for `lint`). */
export function yaml(...documents: string[]): string {
  return `${documents.map((d) => dedent(d).trimEnd()).join('\n---\n')}\n`;
}

export interface Linted {
  readonly ctx: AnalysisContext;
  readonly findings: readonly Finding[];
}

/** Builds a context from inline YAML (see contextOf) and runs every lint rule. */
export function lint(files: string | Record<string, string>, settings: unknown = {}, flows?: string): Linted {
  const ctx = contextOf(files, settings, flows);
  return { ctx, findings: lintWorkspace(ctx) };
}

export function show(findings: readonly Finding[]): string {
  return findings
    .map(
      (f) =>
        `${f.rule} ${f.severity} [${textOf(f.file, f.span)}] ${f.message} ${JSON.stringify(f.data ?? null)}`,
    )
    .join('\n');
}

export function ofRule(findings: readonly Finding[], rule: RuleId): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

export interface Expected {
  readonly rule: RuleId;
  /** The exact text the finding's span covers. */
  readonly text: string;
  /** Phrases the message must all contain. */
  readonly phrases?: readonly string[];
  /** The exact data payload (`undefined` asserts there is none). */
  readonly data?: Readonly<Record<string, unknown>> | undefined;
  readonly severity?: Severity;
  /** 1-based line of the span start, when the same text occurs more than once. */
  readonly line?: number;
}

/**
 * Asserts that exactly one finding of the rule covers the text (on the line, if given), that its message
 * holds every phrase, that its data is exactly `data` (when the key is given), and its severity.
 */
export function expectFinding(findings: readonly Finding[], expected: Expected): Finding {
  const candidates = findings.filter(
    (f) =>
      f.rule === expected.rule &&
      textOf(f.file, f.span) === expected.text &&
      (expected.line === undefined || f.file.lineColumn(f.span.start).line === expected.line),
  );
  assert.equal(
    candidates.length,
    1,
    `expected one ${expected.rule} on [${expected.text}]${expected.line ? ` line ${expected.line}` : ''}; got:\n${show(findings)}`,
  );
  const finding = candidates[0]!;
  for (const phrase of expected.phrases ?? []) {
    assert.ok(
      finding.message.includes(phrase),
      `message lacks ${JSON.stringify(phrase)}:\n${finding.message}`,
    );
  }
  if ('data' in expected)
    assert.deepEqual(finding.data, expected.data, `data of ${expected.rule}: ${finding.message}`);
  if (expected.severity) assert.equal(finding.severity, expected.severity);
  return finding;
}

/** Asserts that no finding of the rule was reported. */
export function expectNone(findings: readonly Finding[], rule: RuleId): void {
  const found = ofRule(findings, rule);
  assert.equal(found.length, 0, `expected no ${rule}; got:\n${show(found)}`);
}

/** Asserts the findings of the rule are exactly as many as expected (in addition to per-finding checks). */
export function expectCount(findings: readonly Finding[], rule: RuleId, count: number): void {
  const found = ofRule(findings, rule);
  assert.equal(found.length, count, `expected ${count} ${rule}; got:\n${show(found)}`);
}
