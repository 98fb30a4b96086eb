/**
 * The lint runner as a whole: rule ids and default severities against the registry, inline suppression
 * comments and severity settings (shared/lint/apply-settings.ts), ordering, robustness.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rules, ruleById } from '../../shared/rules/registry.js';
import { lintRules } from '../../shared/lint/rules/index.js';
import { applySettings } from '../../shared/lint/apply-settings.js';
import { normaliseSettings } from '../../shared/settings.js';
import { compareFindings } from '../../shared/findings.js';
import { expectFinding, lint, ofRule, show, yaml } from '../support/lint.js';
import { textOf } from '../support/manifests.js';

const allowAll = `
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: open
    namespace: shop
  spec:
    podSelector: {}
    ingress:
    # netpol-scope-disable-next-line allow-all-rule -- the public entry point
    - {}
    egress:
    # netpol-scope-disable-next-line split-rule
    - ports:
      - {port: 443}
`;

test('every semantics rule of the registry is reported by exactly one lint module, and no other id is', () => {
  const declared = lintRules.flatMap((r) => [...r.ids]);
  assert.equal(new Set(declared).size, declared.length, 'an id is declared by two modules');
  const semantics = rules.filter((r) => r.category === 'semantics').map((r) => r.id);
  // Input problems come from the workspace build, except those of the assertions file, which the build
  // does not read: the assertions module reports them.
  assert.deepEqual([...declared].sort(), [...semantics, 'assertion-invalid'].sort());
});

test('findings carry the registry default severity (or a contextual one it declares) and come sorted', () => {
  const { findings } = lint({
    'b.yaml': yaml(allowAll),
    'a.yaml': yaml(allowAll.replace('name: open', 'name: open-a')),
  });
  assert.ok(findings.length > 4, show(findings));
  for (const f of findings) {
    const r = ruleById.get(f.rule)!;
    assert.ok(
      f.severity === r.defaultSeverity || r.contextual.includes(f.severity),
      `${f.rule}: ${f.severity}`,
    );
  }
  assert.deepEqual([...findings].sort(compareFindings), findings);
  assert.equal(findings[0]!.file.path, 'a.yaml');
});

test('suppression: `# netpol-scope-disable-next-line <id>` hides that rule on the next line only', () => {
  const { ctx, findings } = lint(yaml(allowAll));
  // Both rules fire before settings are applied.
  expectFinding(findings, { rule: 'allow-all-rule', text: '{}' });
  expectFinding(findings, { rule: 'allow-all-rule', text: 'ports:\n    - {port: 443}' });
  const shown = applySettings(findings, () => ctx.settings);
  const allowAllShown = ofRule(shown, 'allow-all-rule');
  // `- {}` is suppressed; the egress rule's comment names another rule, so it stays.
  assert.deepEqual(
    allowAllShown.map((f) => textOf(f.file, f.span)),
    ['ports:\n    - {port: 443}'],
    show(allowAllShown),
  );
  assert.ok(ofRule(shown, 'policy-types-implicit').length === 1, 'other rules are untouched');
});

test('suppression without ids hides every rule on the next line', () => {
  const text = yaml(
    allowAll.replace(
      '# netpol-scope-disable-next-line allow-all-rule -- the public entry point',
      '# netpol-scope-disable-next-line',
    ),
  );
  const { ctx, findings } = lint(text);
  const shown = applySettings(findings, () => ctx.settings);
  assert.ok(!shown.some((f) => f.rule === 'allow-all-rule' && textOf(f.file, f.span) === '{}'), show(shown));
});

test('severity settings: a rule set to off is dropped, another severity replaces the default', () => {
  const raw = {
    rules: {
      'allow-all-rule': 'error',
      'policy-types-implicit': 'off',
      'workload-not-isolated': { severity: 'hint' },
    },
  };
  const { ctx, findings } = lint(
    yaml(
      allowAll.replace(/^ *# netpol-scope-disable-next-line.*\n/gm, ''),
      `
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
      namespace: other`,
    ),
    raw,
  );
  const settings = normaliseSettings(raw);
  const shown = applySettings(findings, () => settings);
  assert.equal(ctx.settings.rules['allow-all-rule'], 'error');
  assert.ok(ofRule(shown, 'allow-all-rule').length === 2);
  for (const f of ofRule(shown, 'allow-all-rule')) assert.equal(f.severity, 'error');
  assert.equal(ofRule(shown, 'policy-types-implicit').length, 0);
  assert.equal(ofRule(findings, 'policy-types-implicit').length, 1, 'the rule did fire before the setting');
  const hint = ofRule(shown, 'workload-not-isolated');
  assert.equal(hint.length, 1, show(shown));
  assert.equal(hint[0]!.severity, 'hint');
});

test('bad input does not throw: syntax errors, empty documents, non-objects and half-written policies', () => {
  const { findings } = lint({
    'broken.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x\n',
    'empty.yaml': '',
    'scalar.yaml': '--- 42\n--- [1, 2]\n',
    'partial.yaml': yaml(`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: partial
      spec:
        podSelector:
        ingress:
        - from:
          - namespaceSelector:
          - podSelector: null
          ports:
          - port:
        egress: 5`),
  });
  for (const f of findings) assert.ok(ruleById.has(f.rule));
});
