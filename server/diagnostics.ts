/** Findings as LSP diagnostics. */
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { Finding, Severity } from '../shared/findings.js';
import { toRange } from './positions.js';

export const RULES_DOC_URL = 'https://github.com/netpol-scope/netpol-scope/blob/main/docs/rules.md';

const severities: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Rules whose flagged text has no effect, shown faded by editors that support the tag. */
const unnecessary: ReadonlySet<string> = new Set(['policy-types-ignored-rules']);

/** What a diagnostic carries back to the server in code action requests. */
export interface DiagnosticData {
  readonly rule: string;
  readonly start: number;
  readonly end: number;
}

export function isDiagnosticData(value: unknown): value is DiagnosticData {
  const v = value as Partial<DiagnosticData> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.rule === 'string' &&
    typeof v.start === 'number' &&
    typeof v.end === 'number'
  );
}

export interface DiagnosticOptions {
  readonly relatedInformation: boolean;
  readonly uriOf: (path: string) => string | undefined;
}

export function toDiagnostic(finding: Finding, options: DiagnosticOptions): Diagnostic {
  const data: DiagnosticData = { rule: finding.rule, start: finding.span.start, end: finding.span.end };
  const diagnostic: Diagnostic = {
    range: toRange(finding.file, finding.span),
    severity: severities[finding.severity],
    code: finding.rule,
    codeDescription: { href: `${RULES_DOC_URL}#${finding.rule}` },
    source: 'netpol-scope',
    message: finding.message,
    data,
  };
  if (unnecessary.has(finding.rule)) diagnostic.tags = [DiagnosticTag.Unnecessary];
  if (options.relatedInformation && finding.related?.length) {
    const related: DiagnosticRelatedInformation[] = [];
    for (const r of finding.related) {
      const uri = options.uriOf(r.file.path);
      if (uri) related.push({ location: { uri, range: toRange(r.file, r.span) }, message: r.message });
    }
    if (related.length) diagnostic.relatedInformation = related;
  }
  return diagnostic;
}
