/**
 * The "Disable RULE for this line" fix (shared/lint/suppress.ts): offered only where the comment line
 * changes nothing but the suppression (issue 8: it used to move or change the errors of broken YAML and
 * wrote `\n` into files with other line endings).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../shared/analysis.js';
import { SourceFile } from '../../shared/source/source-file.js';
import { insertionKeepsYaml, suppressionFix } from '../../shared/lint/suppress.js';
import { applyEdits } from '../../shared/fixes/types.js';
import type { Finding } from '../../shared/findings.js';

function findings(text: string): readonly Finding[] {
  return analyze([new SourceFile('s.yaml', text)]).findings;
}

function applied(finding: Finding): string | undefined {
  const fix = suppressionFix(finding);
  return fix && applyEdits(finding.file.text, fix.edits);
}

const policy = (eol: string) =>
  [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  podSelecter: {}',
    '',
  ].join(eol);

test('the comment follows the line ending of the file: LF, CRLF and lone CR', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const finding = findings(policy(eol)).find((f) => f.rule === 'api-unknown-field')!;
    const text = applied(finding)!;
    assert.ok(
      text.includes(`spec:${eol}  # netpol-scope-disable-next-line api-unknown-field${eol}  podSelecter`),
    );
    assert.deepEqual(
      findings(text).filter((f) => f.rule === 'api-unknown-field'),
      [],
      JSON.stringify(eol),
    );
  }
});

test('a second rule on the same line joins the directive above it, before its reason', () => {
  const text = policy('\n').replace(
    '  podSelecter',
    '  # netpol-scope-disable-next-line policy-types-implicit -- reviewed\n  podSelecter',
  );
  const finding = findings(text).find((f) => f.rule === 'api-unknown-field')!;
  const next = applied(finding)!;
  assert.ok(
    next.includes('# netpol-scope-disable-next-line policy-types-implicit api-unknown-field -- reviewed\n'),
  );
  assert.deepEqual(
    findings(next).filter((f) => f.rule === 'api-unknown-field'),
    [],
  );
});

test('no comment where it would change the document: block scalars, broken YAML, whole-file findings', () => {
  // A line inside a block scalar: the comment would be content.
  assert.equal(insertionKeepsYaml('a: |\n  one\n  two\n', 'a: |\n  one\n'.length, '  # x\n'), false);
  // Between two lines of a quoted string.
  assert.equal(insertionKeepsYaml('a: "one\n  two"\n', 'a: "one\n'.length, '  # x\n'), false);
  // An empty key's span would start on the comment line.
  assert.equal(insertionKeepsYaml('a: 1\n: x\n', 'a: 1\n'.length, '# x\n'), false);
  // A plain line: fine.
  assert.equal(insertionKeepsYaml('a: 1\nb: 2\n', 'a: 1\n'.length, '# x\n'), true);
  // Broken YAML: where the comment would change the errors (inside an unclosed flow collection) there is
  // no fix; where it is offered, the other findings stay exactly as they were.
  const unclosed = findings('kind: NetworkPolicy\nspec: {a: 1,\n  b: [\n  c: 2\n');
  assert.ok(unclosed.length > 0);
  for (const finding of unclosed) assert.equal(suppressionFix(finding), undefined);
  let offered = 0;
  for (const broken of [
    'kind: NetworkPolicy\nmetadata:\n  name: a\n   bad: 1\nspec: {}\n',
    'kind: NetworkPolicy\nspec:\n  podSelector: {matchLabels: {app: web}\n  policyTypes: [Ingress]\n',
  ]) {
    const list = findings(broken);
    list.forEach((finding) => {
      const text = applied(finding);
      if (text === undefined) return;
      offered++;
      const line = (f: Finding) => f.file.positionAt(f.span.start).line;
      const others = list.filter((f) => f.rule !== finding.rule || line(f) !== line(finding));
      assert.deepEqual(
        findings(text).map((f) => [f.rule, f.message]),
        others.map((f) => [f.rule, f.message]),
      );
    });
  }
  assert.ok(offered > 0);
  const helm = findings('kind: Pod\nmetadata: {name: {{ .Values.name }}}\n').find(
    (f) => f.rule === 'helm-template',
  )!;
  assert.equal(suppressionFix(helm), undefined);
});
