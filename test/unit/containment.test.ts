/**
 * A failure inside the analysis stays where it happened (issue 8): the file, object or rule that failed
 * gets an `analysis-failed` finding saying what was left out and why, and everything else is analysed as
 * usual. Failures are injected where a bug could hide: the incremental loader, an object's model, a lint
 * rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceSession } from '../../shared/session/workspace-session.js';
import { IncrementalLoader } from '../../shared/session/incremental-loader.js';
import { SourceFile } from '../../shared/source/source-file.js';
import { loadManifests } from '../../shared/parse/yaml-loader.js';
import type { LoadedFile } from '../../shared/parse/yaml-loader.js';
import type { SNode } from '../../shared/parse/snode.js';
import { buildWorkspaceFromLoaded } from '../../shared/model/build-cluster.js';
import { runLint } from '../../shared/lint/index.js';
import { lintRules } from '../../shared/lint/rules/index.js';
import type { LintRule } from '../../shared/lint/rule.js';
import { contextOf } from '../support/context.js';
import { yaml } from '../support/lint.js';

const policy = (name: string) =>
  yaml(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: ${name}, namespace: shop}
    spec:
      podSelector: {}
      ingress:
        - from: [{namespaceSelector: {}}]
  `);

test('a file whose loading fails gets analysis-failed; its text and parse still agree; other files are analysed', () => {
  const session = new WorkspaceSession();
  session.setFile('good.yaml', policy('good'));
  session.setFile('bad.yaml', policy('bad'));
  const original = IncrementalLoader.prototype.load;
  IncrementalLoader.prototype.load = function (this: IncrementalLoader, file: SourceFile): LoadedFile {
    if (file.path === 'bad.yaml' && file.text.includes('edited')) throw new RangeError('injected failure');
    return original.call(this, file);
  };
  try {
    const edited = `${policy('bad')}# edited\n`;
    assert.equal(session.setFile('bad.yaml', edited), true);
    // The session shows the new text, and the analysis reads exactly that text.
    assert.equal(session.source('bad.yaml')!.text, edited);
    const analysis = session.analysis();
    const loaded = analysis.workspace.files.find((f) => f.file.path === 'bad.yaml')!;
    assert.equal(loaded.file, session.source('bad.yaml'));
    const failed = analysis.findingsOf('bad.yaml');
    assert.deepEqual(
      failed.map((f) => f.rule),
      ['analysis-failed'],
    );
    assert.equal(failed[0]!.severity, 'error');
    assert.match(failed[0]!.message, /RangeError: injected failure/);
    assert.deepEqual(failed[0]!.span, { start: 0, end: edited.indexOf('\n') });
    // The other file keeps its findings.
    assert.ok(analysis.findingsOf('good.yaml').some((f) => f.rule === 'namespace-selector-all'));
  } finally {
    IncrementalLoader.prototype.load = original;
  }
  // The next edit loads normally again (a fresh loader replaced the one that failed).
  session.setFile('bad.yaml', `${policy('bad')}# fine\n`);
  assert.ok(
    session
      .analysis()
      .findingsOf('bad.yaml')
      .some((f) => f.rule === 'namespace-selector-all'),
  );
});

test('an object whose model fails is left out with analysis-failed; the other objects of its file are kept', () => {
  const file = new SourceFile('m.yaml', `${policy('one')}---\n${policy('two')}`);
  const loaded = loadManifests(file);
  // A tree no loader makes (a bug upstream): `spec` whose pairs are missing.
  const broken = (root: SNode): SNode => {
    assert.equal(root.kind, 'map');
    return {
      ...root,
      pairs: root.pairs.map((p) =>
        p.key.value === 'spec' ? { ...p, value: { ...p.value, pairs: undefined } as unknown as SNode } : p,
      ),
    };
  };
  const documents = loaded.documents.map((d, i) => (i === 0 ? { ...d, root: broken(d.root!) } : d));
  const workspace = buildWorkspaceFromLoaded([{ ...loaded, documents }]);
  const failures = workspace.findings.filter((f) => f.rule === 'analysis-failed');
  assert.equal(failures.length, 1);
  assert.match(failures[0]!.message, /this NetworkPolicy \(TypeError/);
  assert.equal(file.text.slice(failures[0]!.span.start, failures[0]!.span.end), 'one');
  assert.deepEqual(
    workspace.model.policies.map((p) => p.name),
    ['two'],
  );
});

test('a lint rule that throws reports analysis-failed on each file with a policy; the other rules still run', () => {
  const ctx = contextOf({
    'a.yaml': policy('a'),
    'b.yaml': policy('b'),
    'pods.yaml': 'kind: Pod\nmetadata: {name: p}\n',
  });
  const failing: LintRule = {
    ids: ['allow-all-rule'],
    check() {
      throw new Error('injected rule failure');
    },
  };
  const findings = runLint(ctx, [failing, ...lintRules]);
  const failures = findings.filter((f) => f.rule === 'analysis-failed');
  assert.deepEqual(failures.map((f) => f.file.path).sort(), ['a.yaml', 'b.yaml']);
  assert.match(failures[0]!.message, /allow-all-rule \(Error: injected rule failure\)/);
  assert.ok(findings.some((f) => f.rule === 'namespace-selector-all'));
});
