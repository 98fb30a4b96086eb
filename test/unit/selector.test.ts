/**
 * Label selectors, built from YAML (shared/model/build-selector.ts) and matched by
 * shared/semantics/selector.ts.
 *
 * References:
 * - LabelSelector, https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/
 * - Labels and Selectors, https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSelector } from '../../shared/model/build-selector.js';
import type { LabelSelector } from '../../shared/model/types.js';
import { selectorKey, selectorMatches, selectorText, selectsAll } from '../../shared/semantics/selector.js';
import type { Labels } from '../../shared/semantics/selector.js';
import { load, textOf } from '../support/manifests.js';

/** Builds the selector written as the whole (single-document) YAML text. */
function selector(yaml: string): LabelSelector {
  const loaded = load(yaml);
  assert.deepEqual(loaded.problems, [], 'the selector YAML loads cleanly');
  const root = loaded.documents[0]?.root;
  assert.ok(root, 'the selector YAML has a root node');
  return buildSelector(loaded.file, root);
}

/** Which of the named label sets the selector matches, in order. */
function matching(sel: LabelSelector, candidates: Record<string, Labels>): string[] {
  return Object.keys(candidates).filter((name) => selectorMatches(sel, candidates[name]!));
}

// "matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to
// an element of matchExpressions, whose key field is "key", the operator is "In", and the values array
// contains only "value"." (LabelSelector, API reference)
test('matchLabels {key,value} is equivalent to the requirement key In [value]', () => {
  const sel = selector(`
    matchLabels:
      app: web
  `);
  assert.equal(sel.invalid, false);
  assert.deepEqual(
    sel.requirements.map((r) => ({ key: r.key, operator: r.operator, values: r.values })),
    [{ key: 'app', operator: 'In', values: ['web'] }],
  );
  assert.deepEqual(
    matching(sel, {
      exact: { app: 'web' },
      extraLabels: { app: 'web', tier: 'frontend' },
      otherValue: { app: 'db' },
      caseDiffers: { app: 'Web' },
      absent: { tier: 'frontend' },
      none: {},
    }),
    ['exact', 'extraLabels'],
  );
  assert.equal(selectorText(sel), 'app=web');
});

// "The requirements are ANDed." (matchLabels, API reference)
test('matchLabels with several pairs requires every pair (the requirements are ANDed)', () => {
  const sel = selector(`
    matchLabels:
      app: web
      tier: frontend
  `);
  assert.deepEqual(
    matching(sel, {
      both: { app: 'web', tier: 'frontend' },
      onlyApp: { app: 'web' },
      onlyTier: { tier: 'frontend' },
      wrongTier: { app: 'web', tier: 'backend' },
    }),
    ['both'],
  );
});

// "The first example selects all resources with key equal to `environment` and value equal to
// `production` or `qa`." (`environment in (production, qa)`, Labels and Selectors, set-based requirement)
test('In selects resources whose key has one of the values, and never resources without the key', () => {
  const sel = selector(`
    matchExpressions:
    - key: environment
      operator: In
      values: [production, qa]
  `);
  assert.deepEqual(
    matching(sel, {
      production: { environment: 'production' },
      qa: { environment: 'qa' },
      dev: { environment: 'dev' },
      empty: { environment: '' },
      absent: { app: 'x' },
    }),
    ['production', 'qa'],
  );
  assert.equal(selectorText(sel), 'environment in (production,qa)');
});

// "The second example selects all resources with key equal to `tier` and values other than `frontend` and
// `backend`, and all resources with no labels with the `tier` key." (`tier notin (frontend, backend)`)
test('NotIn selects resources whose value is not in the set, and all resources with no label with the key', () => {
  const sel = selector(`
    matchExpressions:
    - {key: tier, operator: NotIn, values: [frontend, backend]}
  `);
  assert.deepEqual(
    matching(sel, {
      frontend: { tier: 'frontend' },
      backend: { tier: 'backend' },
      cache: { tier: 'cache' },
      absent: { app: 'web' },
      noLabels: {},
    }),
    ['cache', 'absent', 'noLabels'],
  );
  assert.equal(selectorText(sel), 'tier notin (frontend,backend)');
});

// "The third example selects all resources including a label with key `partition`; no values are
// checked." (`partition`, Labels and Selectors)
test('Exists selects all resources including a label with the key; no values are checked', () => {
  const sel = selector(`
    matchExpressions:
    - {key: partition, operator: Exists}
  `);
  assert.deepEqual(
    matching(sel, {
      a: { partition: 'customerA' },
      emptyValue: { partition: '' },
      absent: { app: 'x' },
      noLabels: {},
    }),
    ['a', 'emptyValue'],
  );
  assert.equal(selectorText(sel), 'partition');
});

// "The fourth example selects all resources without a label with key `partition`; no values are
// checked." (`!partition`, Labels and Selectors)
test('DoesNotExist selects all resources without a label with the key; no values are checked', () => {
  const sel = selector(`
    matchExpressions:
    - key: partition
      operator: DoesNotExist
      values: []
  `);
  assert.equal(sel.invalid, false);
  assert.deepEqual(
    matching(sel, {
      a: { partition: 'customerA' },
      emptyValue: { partition: '' },
      absent: { app: 'x' },
      noLabels: {},
    }),
    ['absent', 'noLabels'],
  );
  assert.equal(selectorText(sel), '!partition');
});

// "All of the requirements, from both `matchLabels` and `matchExpressions` are ANDed together -- they must
// all be satisfied in order to match." (Labels and Selectors, resources that support set-based
// requirements); "The result of matchLabels and matchExpressions are ANDed." (LabelSelector)
test('the results of matchLabels and matchExpressions are ANDed', () => {
  // The example from the concept page.
  const sel = selector(`
    matchLabels:
      component: redis
    matchExpressions:
      - {key: tier, operator: In, values: [cache]}
      - {key: environment, operator: NotIn, values: [dev]}
  `);
  assert.deepEqual(
    matching(sel, {
      all: { component: 'redis', tier: 'cache', environment: 'prod' },
      noEnvironment: { component: 'redis', tier: 'cache' },
      devEnvironment: { component: 'redis', tier: 'cache', environment: 'dev' },
      otherComponent: { component: 'mysql', tier: 'cache' },
      noTier: { component: 'redis' },
    }),
    ['all', 'noEnvironment'],
  );
  assert.equal(selectorText(sel), 'component=redis,tier=cache,environment notin (dev)');
});

// "An empty label selector matches all objects." (LabelSelector, API reference)
test('an empty label selector matches all objects', () => {
  const sel = selector('{}');
  assert.equal(sel.invalid, false);
  assert.deepEqual(sel.requirements, []);
  assert.equal(selectsAll(sel), true);
  assert.deepEqual(matching(sel, { none: {}, some: { app: 'web' } }), ['none', 'some']);
  assert.equal(selectorText(sel), '{} (everything)');
});

// An empty selector, again: `matchLabels: null` (and `matchExpressions: null`) decode to nil map/slice
// fields of the LabelSelector struct, which is then empty ("An empty label selector matches all objects.").
test('matchLabels: null and matchExpressions: null leave an empty selector that matches all objects', () => {
  for (const yaml of [
    'matchLabels: null',
    'matchLabels: ~',
    'matchLabels:',
    'matchExpressions: null',
    'matchLabels: {}',
  ]) {
    const sel = selector(yaml);
    assert.equal(sel.invalid, false, yaml);
    assert.equal(selectsAll(sel), true, yaml);
    assert.equal(selectorMatches(sel, {}), true, yaml);
    assert.equal(selectorMatches(sel, { app: 'web' }), true, yaml);
  }
});

// NetworkPolicySpec.podSelector: "This field is optional. If it is not specified, it defaults to an empty
// selector." The field is a struct (not a pointer) in the API, so `podSelector: null` is the empty selector.
test('a null selector node is the empty selector (the non-pointer podSelector field)', () => {
  const loaded = load('podSelector: null');
  const root = loaded.documents[0]!.root!;
  assert.equal(root.kind, 'map');
  const node = root.kind === 'map' ? root.pairs[0]!.value : root;
  const sel = buildSelector(loaded.file, node);
  assert.equal(sel.invalid, false);
  assert.equal(selectsAll(sel), true);
});

// Validity (LabelSelectorRequirement, API reference): "operator represents a key's relationship to a set of
// values. Valid operators are In, NotIn, Exists and DoesNotExist."; "If the operator is In or NotIn, the
// values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be
// empty."; matchLabels is map[string]string. The API server rejects such selectors, so they never select
// anything in a cluster: here they are `invalid` and match nothing, not even what an empty selector would.
test('a selector the API server rejects is invalid and matches nothing', () => {
  const invalid: Record<string, string> = {
    unknownOperator: `
      matchExpressions:
      - {key: app, operator: Equals, values: [web]}
    `,
    lowercaseOperator: `
      matchExpressions:
      - {key: app, operator: in, values: [web]}
    `,
    inWithoutValues: `
      matchExpressions:
      - {key: app, operator: In}
    `,
    inWithEmptyValues: `
      matchExpressions:
      - {key: app, operator: In, values: []}
    `,
    notInWithoutValues: `
      matchExpressions:
      - {key: app, operator: NotIn}
    `,
    existsWithValues: `
      matchExpressions:
      - {key: app, operator: Exists, values: [web]}
    `,
    doesNotExistWithValues: `
      matchExpressions:
      - {key: legacy, operator: DoesNotExist, values: ["true"]}
    `,
    missingKey: `
      matchExpressions:
      - {operator: Exists}
    `,
    numericLabelValue: `
      matchLabels:
        version: 1
    `,
    booleanLabelValue: `
      matchLabels:
        enabled: yes
    `,
    nullLabelValue: `
      matchLabels:
        app: null
    `,
    numericExpressionValue: `
      matchExpressions:
      - {key: version, operator: In, values: [1]}
    `,
    matchLabelsList: `
      matchLabels:
      - app: web
    `,
    matchExpressionsMap: `
      matchExpressions:
        key: app
    `,
  };
  const candidates: Labels[] = [
    {},
    { app: 'web' },
    { app: 'web', version: '1', enabled: 'yes', legacy: 'true' },
  ];
  for (const [name, yaml] of Object.entries(invalid)) {
    const sel = selector(yaml);
    assert.equal(sel.invalid, true, name);
    assert.equal(selectsAll(sel), false, name);
    for (const labels of candidates) {
      assert.equal(selectorMatches(sel, labels), false, `${name} must not match ${JSON.stringify(labels)}`);
    }
    assert.equal(selectorText(sel), '<invalid selector>', name);
    assert.equal(selectorKey(sel), '!invalid', name);
  }
});

// An invalid part spoils the whole selector even when the rest is valid: the API server rejects the object.
test('one invalid requirement makes an otherwise valid selector match nothing', () => {
  const sel = selector(`
    matchLabels:
      app: web
    matchExpressions:
    - {key: tier, operator: Within, values: [a]}
  `);
  assert.equal(sel.invalid, true);
  assert.equal(selectorMatches(sel, { app: 'web', tier: 'a' }), false);
});

// A selector that is not an object at all is not a LabelSelector.
test('a selector written as a scalar or a list is invalid', () => {
  for (const yaml of ['app=web', '[app]', '42']) {
    const sel = selector(yaml);
    assert.equal(sel.invalid, true, yaml);
    assert.equal(selectorMatches(sel, {}), false, yaml);
  }
});

// Label values are strings: a quoted "1" or "yes" is a valid value, compared as text.
test('quoted label values are strings and match exactly', () => {
  const sel = selector(`
    matchLabels:
      version: "1"
      enabled: "yes"
  `);
  assert.equal(sel.invalid, false);
  assert.deepEqual(
    matching(sel, {
      match: { version: '1', enabled: 'yes' },
      otherSpelling: { version: '01', enabled: 'yes' },
      boolText: { version: '1', enabled: 'true' },
    }),
    ['match'],
  );
});

// "The API currently supports two types of selectors: equality-based and set-based." —
// `environment=production` is equivalent to `environment in (production)`: the same key for both forms.
test('matchLabels k: v and the expression k In [v] are the same selector', () => {
  const a = selector(`
    matchLabels: {environment: production, tier: web}
  `);
  const b = selector(`
    matchExpressions:
    - {key: tier, operator: In, values: [web]}
    - {key: environment, operator: In, values: [production]}
  `);
  assert.equal(selectorKey(a), selectorKey(b));
  const c = selector(`
    matchExpressions:
    - {key: tier, operator: In, values: [web, api]}
  `);
  const d = selector(`
    matchExpressions:
    - {key: tier, operator: In, values: [api, web]}
  `);
  assert.equal(selectorKey(c), selectorKey(d));
  assert.notEqual(selectorKey(a), selectorKey(c));
});

// Prefixed keys such as the automatic namespace label `kubernetes.io/metadata.name` are ordinary keys.
test('prefixed keys match like any other key', () => {
  const sel = selector(`
    matchLabels:
      kubernetes.io/metadata.name: kube-system
  `);
  assert.deepEqual(
    matching(sel, {
      kubeSystem: { 'kubernetes.io/metadata.name': 'kube-system' },
      unprefixed: { 'metadata.name': 'kube-system' },
    }),
    ['kubeSystem'],
  );
});

// Each requirement keeps the span of the text it came from, so diagnostics can point at it.
test('requirements point at the exact text they were written in', () => {
  const loaded = load(`
    matchLabels:
      app: web
    matchExpressions:
    - {key: tier, operator: In, values: [cache]}
  `);
  const sel = buildSelector(loaded.file, loaded.documents[0]!.root!);
  assert.deepEqual(
    sel.requirements.map((r) => textOf(r.origin.file, r.origin.span)),
    ['app: web', '{key: tier, operator: In, values: [cache]}'],
  );
});
