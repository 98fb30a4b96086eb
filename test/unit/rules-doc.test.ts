/**
 * docs/rules.md against the registry: one `## <id>` section per rule id and nothing else at that level,
 * the index table and each section's severity and category as registered, the configuration and
 * suppression lines, a documentation link, and the examples: the bad one is reported under the rule id,
 * the good one is not (analysed with the settings of a preceding `<!-- settings: {...} -->` comment).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rules, ruleById } from '../../shared/rules/registry.js';
import { example, rulesDoc, sections } from '../support/rules-doc.js';
import type { Example } from '../support/rules-doc.js';
import { lint } from '../support/lint.js';

const doc = rulesDoc;

function reported(ex: Example): Set<string> {
  const files: Record<string, string> = { 'example.yaml': ex.yaml };
  if (ex.assertions !== undefined) files['netpol-scope.assertions.yaml'] = ex.assertions;
  const { ctx, findings } = lint(files, ex.settings, ex.flows);
  return new Set([...ctx.workspace.findings, ...findings].map((f) => f.rule));
}

test('every registry id has exactly one `## <id>` section, and every `##` section is a registry id', () => {
  const ids = sections().map((s) => s.id);
  for (const r of rules) assert.equal(ids.filter((id) => id === r.id).length, 1, `sections for ${r.id}`);
  for (const id of ids) assert.ok(ruleById.has(id), `section ${id} is not a registry id`);
  assert.equal(ids.length, rules.length);
});

test('the index table lists every rule with its registered severity and title, in registry order', () => {
  const rows = [...doc.matchAll(/^\| \[([a-z0-9-]+)\]\(#([a-z0-9-]+)\) \| (\w+) \| (.+) \|$/gm)];
  assert.deepEqual(
    rows.map((m) => m[1]),
    rules.map((r) => r.id),
  );
  for (const m of rows) {
    const r = ruleById.get(m[1]!)!;
    assert.equal(m[2], r.id, 'the anchor is the id');
    assert.equal(m[3], r.defaultSeverity, `${r.id} severity`);
    assert.equal(m[4], r.title, `${r.id} title`);
  }
});

test('each section states the registered severity and category, configuration, suppression and a docs link', () => {
  for (const s of sections()) {
    const r = ruleById.get(s.id)!;
    assert.ok(
      s.body.includes(`| ${r.defaultSeverity} | ${r.category} |`),
      `${s.id}: severity/category table`,
    );
    assert.ok(
      s.body.includes(`"netpolScope.rules": { "${s.id}": "off" | "error" | "warning" | "info" | "hint" }`),
      `${s.id}: configure`,
    );
    assert.ok(s.body.includes('**Suppress.**'), `${s.id}: suppression`);
    assert.ok(/\*\*Kubernetes docs\.\*\* .*\]\(https:\/\//.test(s.body), `${s.id}: docs link`);
    assert.ok(
      s.body.includes('**What it flags.**') && s.body.includes('**Why it matters.**'),
      `${s.id}: what and why`,
    );
    assert.ok(
      /^\*\*Bad\*\*/m.test(s.body) && /^\*\*Good\*\*/m.test(s.body),
      `${s.id}: bad and good examples`,
    );
  }
});

test('each bad example is reported under its rule id and each good example is not', () => {
  // No YAML example: a 100 MB file, 300 nested levels, a bug of netpol-scope (tested in containment.test.ts).
  const withoutYaml = new Set(['file-too-large', 'yaml-too-deep', 'analysis-failed']);
  for (const s of sections()) {
    if (withoutYaml.has(s.id)) continue;
    const bad = example(s, 'Bad');
    const good = example(s, 'Good');
    assert.ok(bad && good, `${s.id}: yaml examples`);
    assert.ok(reported(bad).has(s.id), `${s.id}: the bad example is not reported:\n${bad.yaml}`);
    assert.ok(!reported(good).has(s.id), `${s.id}: the good example is reported:\n${good.yaml}`);
  }
});
