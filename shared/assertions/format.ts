/**
 * Assertion results as text, JSON (documented in the README) and JUnit XML (for CI test reports).
 */
import type { AssertionError, ParsedAssertions } from './parse.js';
import type { AssertionResult, Violation } from './evaluate.js';

function portsJson(ports: Violation['ports']) {
  return ports.toRanges().map((r) => ({ protocol: r.protocol, port: r.port, endPort: r.endPort }));
}

/** One line saying why an assertion fails (or that it holds). */
export function resultSummary(r: AssertionResult): string {
  if (r.holds) return `holds (${r.pairs} connection${r.pairs === 1 ? '' : 's'} checked)`;
  if (r.empty) return `fails: \`${r.empty}\` selects nothing in the workspace`;
  const v = r.violations[0]!;
  const more = r.violationCount > 1 ? ` (and ${r.violationCount - 1} more)` : '';
  return r.assertion.expect === 'deny'
    ? `fails: ${v.from} → ${v.to} is allowed on ${v.ports.toString()}${more}`
    : `fails: ${v.from} → ${v.to} is denied on ${v.ports.toString()}${more}`;
}

function ruleText(rule: Violation['rules'][number]): string {
  const where = rule.file !== undefined ? ` (${rule.file}:${rule.line})` : '';
  switch (rule.effect) {
    case 'beyond the workspace':
      return `${rule.direction}: this end is beyond the workspace; its own policies are not known here (taken as none)`;
    case 'not isolated':
      return `${rule.direction}: no policy isolates this side, so everything is allowed`;
    case 'allows':
      return `${rule.direction}: ${rule.policy}${where} allows it`;
    case 'denies':
      return `${rule.direction}: ${rule.policy}${where} denies it`;
    case 'isolates':
      return `${rule.direction}: ${rule.policy}${where} isolates this side and no rule allows it`;
  }
}

/** `file:line:column: message`. */
export function errorText(parsed: ParsedAssertions, e: AssertionError): string {
  const { line, column } = parsed.file.lineColumn(e.span.start);
  return `${parsed.file.path}:${line}:${column}: ${e.message}`;
}

export function formatAssertionsText(parsed: ParsedAssertions, results: readonly AssertionResult[]): string {
  const lines: string[] = [];
  for (const e of parsed.errors) lines.push(`error ${errorText(parsed, e)}`);
  for (const r of results) {
    lines.push(`${r.holds ? '✓' : '✗'} ${r.assertion.name}: ${resultSummary(r)}`);
    for (const v of r.holds ? [] : r.violations) {
      lines.push(`    ${v.from} → ${v.to} on ${v.ports.toString()}`);
      for (const rule of v.rules) lines.push(`      ${ruleText(rule)}`);
    }
  }
  const failed = results.filter((r) => !r.holds).length;
  lines.push(
    '',
    `${results.length - failed} of ${results.length} assertion${results.length === 1 ? '' : 's'} hold${failed > 0 ? `, ${failed} fail` : ''}${parsed.errors.length > 0 ? `; ${parsed.errors.length} error${parsed.errors.length === 1 ? '' : 's'} in ${parsed.file.path}` : ''}`,
  );
  return lines.join('\n') + '\n';
}

export function assertionsJson(parsed: ParsedAssertions, results: readonly AssertionResult[]) {
  const at = (offset: number) => parsed.file.lineColumn(offset);
  return {
    file: parsed.file.path,
    summary: {
      assertions: results.length,
      holds: results.filter((r) => r.holds).length,
      fails: results.filter((r) => !r.holds).length,
      errors: parsed.errors.length,
    },
    errors: parsed.errors.map((e) => ({ ...at(e.span.start), message: e.message })),
    results: results.map((r) => ({
      name: r.assertion.name,
      line: at(r.assertion.origin.span.start).line,
      expect: r.assertion.expect,
      holds: r.holds,
      ...(r.empty ? { empty: r.empty } : {}),
      pairs: r.pairs,
      violationCount: r.violationCount,
      violations: r.violations.map((v) => ({
        from: v.from,
        to: v.to,
        ports: portsJson(v.ports),
        rules: v.rules.map(({ origin: _origin, ...rule }) => rule),
      })),
    })),
  };
}

export function formatAssertionsJson(parsed: ParsedAssertions, results: readonly AssertionResult[]): string {
  return JSON.stringify(assertionsJson(parsed, results), null, 2) + '\n';
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // XML 1.0 has no place for the other control characters.
      .replace(/[^\t\n\r\u{20}-\u{d7ff}\u{e000}-\u{fffd}\u{10000}-\u{10ffff}]/gu, '')
  );
}

/**
 * JUnit XML as CI systems read it (a `testsuites` root, one `testsuite` for the file, one `testcase` per
 * assertion with a `failure` holding the violating connections and their explanation; malformed parts
 * of the file are `error` test cases).
 */
export function formatAssertionsJunit(parsed: ParsedAssertions, results: readonly AssertionResult[]): string {
  const failures = results.filter((r) => !r.holds).length;
  const cases = results.map((r) => {
    const head = `    <testcase classname="${xml(parsed.file.path)}" name="${xml(r.assertion.name)}" file="${xml(parsed.file.path)}" line="${parsed.file.lineColumn(r.assertion.origin.span.start).line}"`;
    if (r.holds) return `${head}/>`;
    const body = r.violations
      .map((v) =>
        [
          `${v.from} → ${v.to} on ${v.ports.toString()}`,
          ...v.rules.map((x) => `  ${ruleText(x)}`),
          '',
          v.explanation,
          '',
        ].join('\n'),
      )
      .join('\n');
    return `${head}>\n      <failure message="${xml(resultSummary(r))}" type="${r.empty ? 'empty-selection' : 'violation'}">${xml(body)}</failure>\n    </testcase>`;
  });
  const errors = parsed.errors.map(
    (e) =>
      `    <testcase classname="${xml(parsed.file.path)}" name="${xml(errorText(parsed, e))}">\n      <error message="${xml(e.message)}" type="invalid-assertion"/>\n    </testcase>`,
  );
  const total = results.length + parsed.errors.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="netpol-scope" tests="${total}" failures="${failures}" errors="${parsed.errors.length}">`,
    `  <testsuite name="${xml(parsed.file.path)}" tests="${total}" failures="${failures}" errors="${parsed.errors.length}">`,
    ...cases,
    ...errors,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
