/**
 * API validity (shared/validate): what the Kubernetes API server rejects in a NetworkPolicy, each finding
 * pointed at the exact offending text.
 *
 * References (kubernetes/kubernetes):
 * - pkg/apis/networking/validation/validation.go (ValidateNetworkPolicySpec, ValidateNetworkPolicyPort,
 *   ValidateNetworkPolicyPeer, ValidateIPBlock)
 * - staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (ValidateLabelSelector)
 * - staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go and ip.go
 * - staging/src/k8s.io/api/networking/v1/types.go
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { Finding } from '../../shared/findings.js';
import type { RuleId } from '../../shared/rules/registry.js';
import { validateNetworkPolicy } from '../../shared/validate/index.js';
import { editDistance } from '../../shared/validate/suggest.js';
import { parseCidrSloppy, strictProblem } from '../../shared/validate/cidr.js';
import { objects, textOf } from '../support/manifests.js';

/** The findings of the single NetworkPolicy in `yaml`. */
function validate(yaml: string, path = 'test.yaml'): Finding[] {
  const found = objects(yaml, path);
  assert.equal(found.length, 1, 'the YAML holds exactly one object');
  return validateNetworkPolicy(found[0]!);
}

function show(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.rule} ${f.severity} [${textOf(f.file, f.span)}] ${f.message}`).join('\n');
}

interface Expected {
  readonly rule: RuleId;
  /** The exact text the finding's span covers. */
  readonly text: string;
  /** A phrase the message must contain. */
  readonly phrase: string;
  readonly severity?: 'error' | 'warning';
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * Asserts that a finding with this rule and span text exists whose message contains the phrase (and whose
 * data has the given entries), and checks its severity.
 */
function expectFinding(findings: readonly Finding[], expected: Expected): Finding {
  const candidates = findings.filter(
    (f) => f.rule === expected.rule && textOf(f.file, f.span) === expected.text,
  );
  assert.ok(
    candidates.length > 0,
    `expected ${expected.rule} on [${expected.text}]; got:\n${show(findings)}`,
  );
  const finding = candidates.find(
    (f) =>
      f.message.includes(expected.phrase) &&
      Object.entries(expected.data ?? {}).every(([key, value]) => isDeepStrictEqual(f.data?.[key], value)),
  );
  assert.ok(
    finding,
    `expected ${expected.rule} on [${expected.text}] saying ${JSON.stringify(expected.phrase)} with data ` +
      `${JSON.stringify(expected.data ?? {})}; got:\n${show(candidates)}\n${candidates.map((f) => JSON.stringify(f.data)).join('\n')}`,
  );
  assert.equal(finding.severity, expected.severity ?? 'error', finding.message);
  return finding;
}

/** Asserts the findings are exactly these (rule and span text), in any order. */
function expectOnly(findings: readonly Finding[], expected: readonly Expected[]): void {
  for (const e of expected) expectFinding(findings, e);
  assert.equal(findings.length, expected.length, `unexpected findings:\n${show(findings)}`);
}

function expectValid(yaml: string, path?: string): void {
  const findings = validate(yaml, path);
  assert.deepEqual(findings, [], `expected no findings:\n${show(findings)}`);
}

/** A policy with the given `spec:` body (already indented by two spaces under `spec:`). */
function withSpec(spec: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\nspec:\n${spec.replace(/^\n/, '')}`;
}

// ---------------------------------------------------------------------------------------------------
// Valid policies: no findings.

test('a realistic default-deny policy is valid', () => {
  expectValid(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: default-deny-all
      namespace: payments
      labels:
        app.kubernetes.io/managed-by: kustomize
        tier: ""
      annotations:
        Example.COM/Owner: team-a
    spec:
      podSelector: {}
      policyTypes:
        - Ingress
        - Egress
  `);
});

test('ipBlock with except, named ports, endPort and every protocol are valid', () => {
  expectValid(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: egress-out
    spec:
      podSelector:
        matchLabels:
          app: web
      egress:
        - to:
            - ipBlock:
                cidr: 0.0.0.0/0
                except:
                  - 169.254.169.254/32
                  - 10.0.0.0/8
          ports:
            - port: 443
            - protocol: UDP
              port: 53
            - protocol: SCTP
              port: 32000
              endPort: 32768
            - port: metrics
            - port: http-alt-8080
            - protocol: TCP
      policyTypes: [Egress]
  `);
});

test('matchExpressions with every operator, prefixed keys and empty values are valid', () => {
  expectValid(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: exprs
    spec:
      podSelector:
        matchExpressions:
          - {key: app.kubernetes.io/name, operator: In, values: [web, api]}
          - {key: tier, operator: NotIn, values: [""]}
          - {key: canary, operator: Exists}
          - {key: legacy, operator: DoesNotExist, values: []}
      ingress:
        - from:
            - namespaceSelector:
                matchLabels:
                  kubernetes.io/metadata.name: monitoring
              podSelector:
                matchExpressions:
                  - key: role
                    operator: In
                    values:
                      - scraper
  `);
});

test('IPv6 CIDRs are valid, including non-canonical IPv6 text (only a warning for the API server)', () => {
  expectValid(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: v6
    spec:
      podSelector: {}
      ingress:
        - from:
            - ipBlock:
                cidr: 2001:DB8:0::/48
                except: ["2001:db8:0:1::/64", "2001:db8::1/128"]
            - ipBlock:
                cidr: ::/0
  `);
});

test('flow-style YAML is valid', () => {
  expectValid(`
    {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: flow},
     spec: {podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 5432}]}]}}
  `);
});

test('JSON input is valid', () => {
  expectValid(
    `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"j","namespace":"a"},` +
      `"spec":{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{}}],"ports":[{"port":"https"}]}],"policyTypes":["Ingress"]}}`,
    'policy.json',
  );
});

test('kubectl output metadata (status-less dump fields, managedFields, generateName) is valid', () => {
  expectValid(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      generateName: allow-dns-
      creationTimestamp: null
      resourceVersion: "4211"
      uid: 6d1a3c1e-0000-4000-8000-000000000000
      generation: 1
      annotations:
        kubectl.kubernetes.io/last-applied-configuration: |
          {"apiVersion":"networking.k8s.io/v1"}
      managedFields:
        - manager: kubectl-client-side-apply
          operation: Update
          apiVersion: networking.k8s.io/v1
          time: "2024-05-01T10:00:00Z"
          fieldsType: FieldsV1
          fieldsV1: {"f:spec": {}}
    spec:
      podSelector: {}
  `);
});

test('policyTypes duplicates are accepted by the API (left to lint rules)', () => {
  expectValid(withSpec(`  podSelector: {}\n  policyTypes: [Ingress, Ingress]\n`));
});

test('a non-canonical CIDR that only earlier versions accepted is still reported, but 10.0.0.0/8 is not', () => {
  expectValid(
    withSpec(
      `  podSelector: {}\n  egress:\n    - to:\n        - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}\n`,
    ),
  );
});

test('items of a NetworkPolicyList take the list apiVersion', () => {
  const found = objects(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicyList
    items:
      - metadata: {name: a}
        spec: {podSelector: {}}
  `);
  assert.equal(found.length, 1);
  assert.deepEqual(validateNetworkPolicy(found[0]!), []);
});

test('a NetworkPolicy of a third-party API group (Calico) is not validated as the Kubernetes resource', () => {
  expectValid(`
    apiVersion: projectcalico.org/v3
    kind: NetworkPolicy
    metadata: {name: calico}
    spec:
      selector: all()
      types: [Ingress]
  `);
});

// ---------------------------------------------------------------------------------------------------
// api-removed-version

test('api-removed-version: extensions/v1beta1, other versions and the core group', () => {
  expectOnly(validate(`apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: a}\n`), [
    { rule: 'api-removed-version', text: 'extensions/v1beta1', phrase: 'removed in Kubernetes 1.16' },
  ]);
  expectOnly(validate(`apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\nmetadata: {name: a}\n`), [
    {
      rule: 'api-removed-version',
      text: 'networking.k8s.io/v1beta1',
      phrase: 'the only served version is networking.k8s.io/v1',
      data: { suggestion: 'networking.k8s.io/v1' },
    },
  ]);
  expectOnly(validate(`apiVersion: v1\nkind: NetworkPolicy\nmetadata: {name: a}\n`), [
    { rule: 'api-removed-version', text: 'v1', phrase: 'does not serve NetworkPolicy as "v1"' },
  ]);
});

// ---------------------------------------------------------------------------------------------------
// api-unknown-field

test('api-unknown-field: typos get an edit-distance suggestion', () => {
  const findings = validate(
    withSpec(`
  podSelecter: {}
  ingress:
    - from:
        - namespaceSelectors: {}
          PodSelector: {}
      port: []
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-unknown-field',
      text: 'podSelecter',
      phrase: '`podSelecter` is not a field of spec; did you mean `podSelector`?',
      data: { suggestion: 'podSelector' },
    },
    {
      rule: 'api-unknown-field',
      text: 'namespaceSelectors',
      phrase: 'did you mean `namespaceSelector`?',
      data: { suggestion: 'namespaceSelector' },
    },
    // Field names are case-sensitive for the API server.
    { rule: 'api-unknown-field', text: 'PodSelector', phrase: 'did you mean `podSelector`?' },
    {
      rule: 'api-unknown-field',
      text: 'port',
      phrase: 'did you mean `ports`?',
      data: { suggestion: 'ports' },
    },
  ]);
});

test('api-unknown-field: matchLabels de-indented under spec belongs to spec.podSelector', () => {
  const findings = validate(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: web
    spec:
      podSelector:
      matchLabels:
        app: web
  `);
  expectOnly(findings, [
    {
      rule: 'api-unknown-field',
      text: 'matchLabels',
      phrase:
        '`matchLabels` is not a field of spec; did you mean spec.podSelector.matchLabels? `podSelector:` has no value, so the indentation may have been lost.',
      data: { belongsUnder: 'spec.podSelector' },
    },
    {
      rule: 'api-invalid-type',
      text: 'podSelector',
      severity: 'warning',
      phrase:
        'spec.podSelector has no value (null); Kubernetes reads it as {} (an empty selector), so the policy selects every pod in its namespace',
    },
  ]);
});

test('api-unknown-field: matchLabels with no podSelector at all still points at spec.podSelector', () => {
  expectOnly(validate(withSpec(`  matchLabels:\n    app: web\n`)), [
    {
      rule: 'api-unknown-field',
      text: 'matchLabels',
      phrase:
        '`matchLabels` is not a field of spec; did you mean spec.podSelector.matchLabels? The indentation may have been lost',
      data: { belongsUnder: 'spec.podSelector' },
    },
  ]);
});

test('api-unknown-field: a de-indented `- podSelector` after `- from:` becomes a sibling rule', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  ingress:
    - from:
    - podSelector:
        matchLabels:
          app: api
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-invalid-type',
      text: 'from',
      severity: 'warning',
      phrase:
        'spec.ingress[0].from has no value (null); Kubernetes reads it as absent, so the rule matches ALL sources',
    },
    {
      rule: 'api-unknown-field',
      text: 'podSelector',
      phrase:
        '`podSelector` is not a field of spec.ingress[1] (an ingress rule); did you mean spec.ingress[0].from[].podSelector? `from:` has no value',
      data: { belongsUnder: 'spec.ingress[0].from[]' },
    },
  ]);
});

test('api-unknown-field: matchLabels beside a null podSelector in a peer, and ports inside a peer', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  ingress:
    - from:
        - podSelector:
          matchLabels:
            app: api
          ports:
            - port: 80
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-unknown-field',
      text: 'matchLabels',
      phrase: 'did you mean spec.ingress[0].from[0].podSelector.matchLabels? `podSelector:` has no value',
      data: { belongsUnder: 'spec.ingress[0].from[0].podSelector' },
    },
    {
      rule: 'api-unknown-field',
      text: 'ports',
      phrase:
        '`ports` is not a field of spec.ingress[0].from[0] (a peer); did you mean spec.ingress[0].ports? The indentation may have been lost',
      data: { belongsUnder: 'spec.ingress[0]' },
    },
    // With its only selector null, the peer is empty: rejected.
    { rule: 'api-invalid-type', text: 'podSelector', phrase: 'the API rejects an empty peer' },
  ]);
});

test('api-unknown-field: keys indented too deep, labels without matchLabels, fields of other levels', () => {
  const findings = validate(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    name: p
    metadata:
      name: p
    spec:
      namespace: prod
      podSelector:
        app: web
        policyTypes: [Ingress]
    status: {}
  `);
  expectOnly(findings, [
    {
      rule: 'api-unknown-field',
      text: 'name',
      phrase: '`name` is not a field of a NetworkPolicy; did you mean metadata.name?',
      data: { belongsUnder: 'metadata' },
    },
    {
      rule: 'api-unknown-field',
      text: 'namespace',
      phrase: 'did you mean metadata.namespace?',
      data: { belongsUnder: 'metadata' },
    },
    {
      rule: 'api-unknown-field',
      text: 'app',
      phrase: 'labels go under matchLabels: did you mean spec.podSelector.matchLabels.app?',
      data: { belongsUnder: 'spec.podSelector.matchLabels' },
    },
    {
      rule: 'api-unknown-field',
      text: 'policyTypes',
      phrase: 'did you mean spec.policyTypes?',
      data: { belongsUnder: 'spec' },
    },
    {
      rule: 'api-unknown-field',
      text: 'status',
      phrase: '`status` is not a NetworkPolicy field since Kubernetes 1.28',
      // Older clusters' dumps carry `status: {}`: a warning keeps the policy in the analysis.
      severity: 'warning',
    },
  ]);
});

test('editDistance counts insertions, deletions, substitutions and transpositions', () => {
  assert.equal(editDistance('podSelecter', 'podSelector'), 1);
  assert.equal(editDistance('ingres', 'ingress'), 1);
  assert.equal(editDistance('polciyTypes', 'policyTypes'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('cidr', 'cidr'), 0);
});

// ---------------------------------------------------------------------------------------------------
// api-invalid-type

test('api-invalid-type: a list where an object is expected and an object where a list is expected', () => {
  const findings = validate(
    withSpec(`
  podSelector:
    - matchLabels:
        app: web
  ingress:
    from:
      - podSelector: {}
  policyTypes: Ingress
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-invalid-type',
      text: 'podSelector',
      phrase: 'spec.podSelector must be a label selector (an object); found a list. Remove the "- "',
    },
    {
      rule: 'api-invalid-type',
      text: 'ingress',
      phrase:
        'spec.ingress must be a list of ingress rules; found an object. Write each entry as a list item',
    },
    {
      rule: 'api-invalid-type',
      text: 'Ingress',
      phrase:
        'spec.policyTypes must be a list of policy types; found the string "Ingress". Write it as a list: [Ingress]',
    },
  ]);
});

test('api-invalid-type: booleans and numbers where label values must be strings (YAML 1.1)', () => {
  const findings = validate(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: p
      labels:
        enabled: yes
    spec:
      podSelector:
        matchLabels:
          canary: on
          version: 1.10
  `);
  expectOnly(findings, [
    {
      rule: 'api-invalid-type',
      text: 'yes',
      phrase:
        'metadata.labels.enabled must be a string; found the boolean true (YAML reads `yes` as true). Quote it',
    },
    { rule: 'api-invalid-type', text: 'on', phrase: 'found the boolean true (YAML reads `on` as true)' },
    {
      rule: 'api-invalid-type',
      text: '1.10',
      phrase: 'found the number 1.1 (YAML reads `1.10` as 1.1). Quote it to make it a string: "1.10"',
    },
  ]);
});

test('api-invalid-type: strings where integers are expected, fractions and booleans as ports', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  ingress:
    - ports:
        - port: 80
          endPort: "90"
        - port: 80.5
        - port: true
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-invalid-type',
      text: '"90"',
      phrase: 'spec.ingress[0].ports[0].endPort must be an integer; found the string "90". Remove the quotes',
    },
    {
      rule: 'api-invalid-type',
      text: '80.5',
      phrase: 'must be a port number or a port name; found the number 80.5',
    },
    { rule: 'api-invalid-type', text: 'true', phrase: 'found the boolean true' },
  ]);
});

test('api-invalid-type: null from/to/ingress/egress/ports are accepted but read as absent (warnings)', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  ingress:
    - from: null
      ports: ~
    -
  egress:
    - to:
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-invalid-type',
      text: 'null',
      severity: 'warning',
      phrase: 'spec.ingress[0].from is null; Kubernetes reads it as absent, so the rule matches ALL sources',
    },
    {
      rule: 'api-invalid-type',
      text: '~',
      severity: 'warning',
      phrase: 'spec.ingress[0].ports is null; Kubernetes reads it as absent, so the rule matches all ports',
    },
    {
      rule: 'api-invalid-type',
      text: '-',
      severity: 'warning',
      phrase:
        'The entry spec.ingress[1] has no value (null); Kubernetes reads it as an empty rule, which allows traffic from all sources',
    },
    {
      rule: 'api-invalid-type',
      text: 'to',
      severity: 'warning',
      phrase:
        'spec.egress[0].to has no value (null); Kubernetes reads it as absent, so the rule matches ALL destinations',
    },
  ]);
  const spec = validate(withSpec(`  podSelector: {}\n  ingress:\n  egress: null\n`));
  expectOnly(spec, [
    {
      rule: 'api-invalid-type',
      text: 'ingress',
      severity: 'warning',
      phrase: 'reads it as no ingress rules',
    },
    { rule: 'api-invalid-type', text: 'null', severity: 'warning', phrase: 'reads it as no egress rules' },
  ]);
});

test('api-invalid-type: null selectors in a peer depend on their siblings', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  ingress:
    - from:
        - podSelector:
        - podSelector:
            matchLabels: {app: api}
          namespaceSelector:
        - namespaceSelector: {}
          podSelector: null
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-invalid-type',
      text: 'podSelector',
      phrase:
        'reads a null as absent, so this peer has no podSelector, namespaceSelector or ipBlock, and the API rejects an empty peer',
      data: { path: 'spec.ingress[0].from[0].podSelector' },
    },
    {
      rule: 'api-invalid-type',
      text: 'namespaceSelector',
      severity: 'warning',
      phrase:
        "reads it as absent, not as {}: the peer selects matching pods only in the policy's own namespace",
    },
    {
      rule: 'api-invalid-type',
      text: 'podSelector',
      severity: 'warning',
      phrase: 'the peer selects all pods in the namespaces that namespaceSelector matches',
      data: { path: 'spec.ingress[0].from[2].podSelector' },
    },
  ]);
});

test('api-invalid-type: a null matchLabels value is read as the empty string (warning)', () => {
  expectOnly(validate(withSpec(`  podSelector:\n    matchLabels:\n      app:\n`)), [
    {
      rule: 'api-invalid-type',
      text: 'app',
      severity: 'warning',
      phrase: `The value of label "app" has no value (null); Kubernetes reads it as "", so this selects only pods whose "app" label is the empty string`,
    },
  ]);
});

test('api-invalid-type: a null map key cannot be decoded', () => {
  expectOnly(validate(withSpec(`  podSelector:\n    matchLabels:\n      ~: web\n`)), [
    { rule: 'api-invalid-type', text: '~', phrase: 'Kubernetes cannot decode a null map key' },
  ]);
});

// ---------------------------------------------------------------------------------------------------
// api-missing-field

test('api-missing-field: metadata.name (absent, null, empty, no metadata) unless generateName is set', () => {
  expectOnly(validate(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec: {}\n`), [
    {
      rule: 'api-missing-field',
      text: 'kind',
      phrase: 'This NetworkPolicy has no metadata; metadata.name is required',
    },
  ]);
  expectOnly(validate(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  namespace: a\n`), [
    {
      rule: 'api-missing-field',
      text: 'metadata',
      phrase: 'Metadata.name is required (or metadata.generateName',
    },
  ]);
  expectOnly(validate(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name:\n`), [
    {
      rule: 'api-missing-field',
      text: 'name',
      phrase: 'metadata.name has no value (null); a name is required',
    },
  ]);
  expectOnly(validate(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ""\n`), [
    { rule: 'api-missing-field', text: '""', phrase: 'metadata.name is empty' },
  ]);
  expectOnly(validate(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n`), [
    {
      rule: 'api-missing-field',
      text: 'metadata',
      phrase: 'metadata has no value (null), so there is no name',
    },
  ]);
});

test('api-missing-field: apiVersion, ipBlock.cidr and selector requirement key/operator', () => {
  expectOnly(validate(`kind: NetworkPolicy\nmetadata: {name: a}\n`), [
    {
      rule: 'api-missing-field',
      text: 'kind',
      phrase: 'apiVersion is missing; write apiVersion: networking.k8s.io/v1',
    },
  ]);
  const findings = validate(
    withSpec(`
  podSelector:
    matchExpressions:
      - operator: Exists
      - key: app
  egress:
    - to:
        - ipBlock: {}
        - ipBlock:
            cidr:
            except: [10.0.0.0/8]
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-missing-field',
      text: 'operator: Exists',
      phrase: 'spec.podSelector.matchExpressions[0] has no key',
    },
    {
      rule: 'api-missing-field',
      text: 'key: app',
      phrase: 'has no operator: use In, NotIn, Exists or DoesNotExist',
    },
    { rule: 'api-missing-field', text: 'ipBlock', phrase: 'spec.egress[0].to[0].ipBlock.cidr is required' },
    {
      rule: 'api-missing-field',
      text: 'cidr',
      phrase:
        'spec.egress[0].to[1].ipBlock.cidr has no value (null); Kubernetes reads it as "", and an ipBlock requires a cidr',
    },
  ]);
});

test('api-missing-field: an owner reference needs apiVersion, kind, name and uid', () => {
  const findings = validate(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: p
      ownerReferences:
        - kind: Deployment
          name: web
  `);
  expectOnly(findings, [
    { rule: 'api-missing-field', text: 'kind: Deployment', phrase: 'needs apiVersion (with a version), uid' },
  ]);
});

// ---------------------------------------------------------------------------------------------------
// api-invalid-name

test('api-invalid-name: name must be a DNS subdomain, namespace a DNS label, generateName a prefix', () => {
  const findings = validate(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: Allow_Web
      namespace: team.a
  `);
  expectOnly(findings, [
    {
      rule: 'api-invalid-name',
      text: 'Allow_Web',
      phrase:
        'Name "Allow_Web" is not a valid NetworkPolicy name (a DNS subdomain): it must consist of lowercase letters',
    },
    {
      rule: 'api-invalid-name',
      text: 'team.a',
      phrase: 'Namespace "team.a" is not a valid namespace name (a DNS label)',
    },
  ]);
  const long = 'a'.repeat(64);
  expectOnly(
    validate(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow.web\n  namespace: ${long}\n`,
    ),
    [{ rule: 'api-invalid-name', text: long, phrase: 'must be no more than 63 characters (it has 64)' }],
  );
  const longName = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`;
  expectOnly(
    validate(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${longName}\n`),
    [
      {
        rule: 'api-invalid-name',
        text: longName,
        phrase: 'must be no more than 253 characters (it has 255)',
      },
    ],
  );
  expectOnly(
    validate(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  generateName: Web-\n`),
    [{ rule: 'api-invalid-name', text: 'Web-', phrase: 'generateName "Web-" is not a valid name prefix' }],
  );
});

// ---------------------------------------------------------------------------------------------------
// api-invalid-cidr and api-except-outside-cidr

test('api-invalid-cidr: values ParseCIDRSloppy rejects', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  egress:
    - to:
        - ipBlock: {cidr: 10.0.0.5}
        - ipBlock: {cidr: 10.0.0.0/33}
        - ipBlock: {cidr: 300.1.0.0/16}
        - ipBlock: {cidr: "10.1/16"}
        - ipBlock:
            cidr: 10.0.0.0/8
            except:
              -
              - ""
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-invalid-cidr',
      text: '10.0.0.5',
      phrase:
        '"10.0.0.5" is not a valid CIDR: it has no prefix length (write "10.0.0.5/32" for the single address)',
    },
    {
      rule: 'api-invalid-cidr',
      text: '10.0.0.0/33',
      phrase: 'the prefix length must be a number from 0 to 32',
    },
    { rule: 'api-invalid-cidr', text: '300.1.0.0/16', phrase: '"300.1.0.0/16" is not a valid CIDR' },
    // ipaddr.js would read this as 10.0.0.0/16; Go does not accept short IPv4 forms.
    { rule: 'api-invalid-cidr', text: '"10.1/16"', phrase: '"10.1/16" is not a valid CIDR' },
    {
      rule: 'api-invalid-cidr',
      text: '-',
      phrase:
        'The entry spec.egress[0].to[4].ipBlock.except[0] has no value (null); Kubernetes reads it as "", which is not a valid CIDR',
    },
    { rule: 'api-invalid-cidr', text: '""', phrase: '"" is not a valid CIDR' },
  ]);
});

test('api-invalid-cidr: host bits, leading zeros and IPv4-mapped IPv6 are warnings (1.36+ rejects them, older servers do not)', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  ingress:
    - from:
        - ipBlock: {cidr: 10.0.0.1/8}
        - ipBlock: {cidr: 010.0.0.0/8}
        - ipBlock: {cidr: 10.0.0.0/08}
        - ipBlock: {cidr: "::ffff:10.0.0.0/104"}
        - ipBlock: {cidr: "2001:db8::1/64"}
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-invalid-cidr',
      severity: 'warning',
      text: '10.0.0.1/8',
      phrase: 'has bits set after the /8 prefix, so it is ambiguous. Kubernetes 1.36+ rejects this',
      data: { problem: 'host-bits', canonical: '10.0.0.0/8' },
    },
    {
      rule: 'api-invalid-cidr',
      severity: 'warning',
      text: '010.0.0.0/8',
      phrase: 'has leading zeros',
      data: { problem: 'leading-zeros', canonical: '10.0.0.0/8' },
    },
    {
      rule: 'api-invalid-cidr',
      severity: 'warning',
      text: '10.0.0.0/08',
      phrase: 'has leading zeros',
      data: { canonical: '10.0.0.0/8' },
    },
    {
      rule: 'api-invalid-cidr',
      severity: 'warning',
      text: '"::ffff:10.0.0.0/104"',
      phrase: 'is an IPv4-mapped IPv6 CIDR',
      data: { problem: 'ipv4-mapped', canonical: '10.0.0.0/8' },
    },
    {
      rule: 'api-invalid-cidr',
      severity: 'warning',
      text: '"2001:db8::1/64"',
      phrase: 'write the network "2001:db8::/64"',
    },
  ]);
});

test('cidr.ts follows Go: sloppy parsing reads leading zeros as decimal, strict parsing rejects them', () => {
  const sloppy = parseCidrSloppy('010.000.001.000/24');
  assert.ok(sloppy);
  assert.deepEqual([...sloppy.network], [10, 0, 1, 0]);
  assert.equal(strictProblem('010.000.001.000/24'), 'leading-zeros');
  assert.equal(strictProblem('10.0.1.0/24'), undefined);
  assert.equal(
    strictProblem('2001:0db8::/32'),
    undefined,
    'leading zeros in IPv6 groups of 4 digits are fine',
  );
  assert.equal(
    strictProblem('2001:00db8::/32'),
    'leading-zeros',
    'netip rejects groups of more than 4 digits',
  );
  assert.equal(parseCidrSloppy('0x0a.0.0.0/8'), undefined);
  assert.equal(parseCidrSloppy('1.2.3.4/+8'), undefined);
  assert.equal(parseCidrSloppy('fe80::1%eth0/64'), undefined);
  assert.equal(parseCidrSloppy('1::2::3/64'), undefined);
});

test('api-except-outside-cidr: except must be a strict subset of the cidr', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  egress:
    - to:
        - ipBlock:
            cidr: 10.0.0.0/16
            except:
              - 10.0.5.0/24
              - 192.168.0.0/24
              - 10.0.0.0/16
              - 10.0.0.0/8
              - 2001:db8::/64
`),
  );
  const outside = expectFinding(findings, {
    rule: 'api-except-outside-cidr',
    text: '192.168.0.0/24',
    phrase:
      'except "192.168.0.0/24" is not inside cidr "10.0.0.0/16"; each except must be a strict subset of the cidr',
  });
  assert.equal(textOf(outside.file, outside.related![0]!.span), '10.0.0.0/16');
  expectFinding(findings, {
    rule: 'api-except-outside-cidr',
    text: '10.0.0.0/16',
    phrase: 'is the whole of cidr "10.0.0.0/16", which would leave nothing',
  });
  expectFinding(findings, {
    rule: 'api-except-outside-cidr',
    text: '10.0.0.0/8',
    phrase: 'is larger than cidr',
  });
  expectFinding(findings, {
    rule: 'api-except-outside-cidr',
    text: '2001:db8::/64',
    phrase: 'is IPv6 but cidr "10.0.0.0/16" is IPv4',
  });
  assert.equal(findings.length, 4, show(findings));
});

// ---------------------------------------------------------------------------------------------------
// api-ipblock-with-selector and api-empty-peer

test('api-ipblock-with-selector: ipBlock may not be combined with a selector in one peer', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  ingress:
    - from:
        - ipBlock:
            cidr: 10.0.0.0/8
          namespaceSelector: {}
        - ipBlock: {cidr: 10.0.0.0/8}
          podSelector:
`),
  );
  const combined = expectFinding(findings, {
    rule: 'api-ipblock-with-selector',
    text: 'ipBlock',
    phrase: 'A peer may not combine ipBlock with namespaceSelector; put the ipBlock in a peer of its own',
  });
  assert.equal(textOf(combined.file, combined.related![0]!.span), 'namespaceSelector');
  // A null selector is a nil pointer, so it does not conflict with the ipBlock; it is only a warning.
  expectFinding(findings, {
    rule: 'api-invalid-type',
    text: 'podSelector',
    severity: 'warning',
    phrase: 'reads it as absent, so this peer is only its ipBlock',
  });
  assert.equal(findings.length, 2, show(findings));
});

test('api-empty-peer: `- {}` and a null entry in from/to', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  ingress:
    - from:
        - {}
  egress:
    - to:
        -
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-empty-peer',
      text: '{}',
      phrase:
        'The peer spec.ingress[0].from[0] is empty; the API requires podSelector, namespaceSelector or ipBlock',
    },
    {
      rule: 'api-empty-peer',
      text: '-',
      phrase:
        'The entry spec.egress[0].to[0] has no value (null); Kubernetes reads it as an empty peer, which it rejects',
    },
  ]);
});

// ---------------------------------------------------------------------------------------------------
// api-invalid-port, api-invalid-protocol, api-invalid-end-port

test('api-invalid-port: numbers out of 1-65535 and invalid port names', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  ingress:
    - ports:
        - port: 0
        - port: 65536
        - port: "80"
        - port: HTTP
        - port: my--port
        - port: abcdefghijklmnop
        - port: -http
`),
  );
  expectOnly(findings, [
    { rule: 'api-invalid-port', text: '0', phrase: 'Port 0 is out of range: it must be between 1 and 65535' },
    { rule: 'api-invalid-port', text: '65536', phrase: 'Port 65536 is out of range' },
    {
      rule: 'api-invalid-port',
      text: '"80"',
      phrase:
        'Port "80" is a string, so Kubernetes reads it as a port name, and a port name must contain at least one letter. Write port: 80 without quotes',
      data: { number: 80 },
    },
    { rule: 'api-invalid-port', text: 'HTTP', phrase: "must contain only lowercase letters, digits and '-'" },
    { rule: 'api-invalid-port', text: 'my--port', phrase: 'must not contain two hyphens in a row' },
    {
      rule: 'api-invalid-port',
      text: 'abcdefghijklmnop',
      phrase: 'must be no more than 15 characters (it has 16)',
    },
    { rule: 'api-invalid-port', text: '-http', phrase: 'must not begin or end with a hyphen' },
  ]);
});

test('api-invalid-protocol: only TCP, UDP and SCTP, case-sensitively', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  ingress:
    - ports:
        - protocol: tcp
        - protocol: ICMP
        - protocol: ""
        - protocol:
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-invalid-protocol',
      text: 'tcp',
      phrase:
        'Protocol "tcp" is not supported: use TCP, UDP or SCTP. Protocols are case-sensitive: write TCP.',
      data: { suggestion: 'TCP' },
    },
    { rule: 'api-invalid-protocol', text: 'ICMP', phrase: 'Protocol "ICMP" is not supported' },
    { rule: 'api-invalid-protocol', text: '""', phrase: 'Protocol "" is not supported' },
  ]);
});

test('api-invalid-end-port: below port, out of range, with a named port, without port', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  egress:
    - ports:
        - port: 8080
          endPort: 80
        - port: 80
          endPort: 70000
        - port: http
          endPort: 90
        - endPort: 90
        - port:
          endPort: 90
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-invalid-end-port',
      text: '80',
      phrase: 'endPort 80 is less than port 8080; endPort must be greater than or equal to port',
    },
    { rule: 'api-invalid-end-port', text: '70000', phrase: 'endPort 70000 is out of range' },
    {
      rule: 'api-invalid-end-port',
      text: '90',
      phrase: 'endPort may not be used with a named port ("http")',
      data: { path: 'spec.egress[0].ports[2].endPort' },
    },
    {
      rule: 'api-invalid-end-port',
      text: '90',
      phrase: 'endPort may not be specified without port (there is no port)',
      data: { path: 'spec.egress[0].ports[3].endPort' },
    },
    {
      rule: 'api-invalid-end-port',
      text: '90',
      phrase: 'endPort may not be specified without port (port has no value)',
      data: { path: 'spec.egress[0].ports[4].endPort' },
    },
    {
      rule: 'api-invalid-type',
      text: 'port',
      severity: 'warning',
      phrase: 'reads it as absent, so this entry matches every port of its protocol',
    },
  ]);
});

// ---------------------------------------------------------------------------------------------------
// api-invalid-selector and api-invalid-label

test('api-invalid-selector: operators, values for In/NotIn and Exists/DoesNotExist, null requirements', () => {
  const findings = validate(
    withSpec(`
  podSelector:
    matchExpressions:
      - {key: app, operator: in, values: [web]}
      - {key: app, operator: In}
      - {key: app, operator: NotIn, values: []}
      - key: app
        operator: Exists
        values:
          - web
      - {key: app, operator: Equals, values: [web]}
      -
`),
  );
  expectOnly(findings, [
    {
      rule: 'api-invalid-selector',
      text: 'in',
      phrase:
        '"in" is not a valid selector operator: use In, NotIn, Exists or DoesNotExist. Operators are case-sensitive: write In.',
      data: { suggestion: 'In' },
    },
    {
      rule: 'api-invalid-selector',
      text: 'In',
      phrase:
        'Operator In needs at least one value, but spec.podSelector.matchExpressions[1].values is missing',
    },
    { rule: 'api-invalid-selector', text: '[]', phrase: 'Operator NotIn needs at least one value' },
    { rule: 'api-invalid-selector', text: 'values', phrase: 'Operator Exists takes no values' },
    { rule: 'api-invalid-selector', text: 'Equals', phrase: '"Equals" is not a valid selector operator' },
    {
      rule: 'api-invalid-selector',
      text: '-',
      phrase: 'reads it as a requirement with no key and no operator, which it rejects',
    },
  ]);
});

test('api-invalid-label: keys and values in matchLabels, matchExpressions, metadata.labels and annotations', () => {
  const longValue = 'v'.repeat(64);
  const longName = `example.com/${'n'.repeat(64)}`;
  const findings = validate(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: p
      labels:
        team/a/b: x
        owner: "-ops"
      annotations:
        "bad key": x
    spec:
      podSelector:
        matchLabels:
          Example.com/app: web
          version: ${longValue}
          ${longName}: x
        matchExpressions:
          - key: _app
            operator: In
            values: [web, "web!"]
  `);
  expectOnly(findings, [
    { rule: 'api-invalid-label', text: 'team/a/b', phrase: "may contain at most one '/'" },
    {
      rule: 'api-invalid-label',
      text: '"-ops"',
      phrase: 'Label value "-ops" is invalid: it must be empty or consist of alphanumeric characters',
    },
    { rule: 'api-invalid-label', text: '"bad key"', phrase: 'Annotation key "bad key" is invalid' },
    {
      rule: 'api-invalid-label',
      text: 'Example.com/app',
      phrase:
        "Label key \"Example.com/app\" is invalid: the prefix must consist of lowercase letters, digits, '-' and '.'",
    },
    { rule: 'api-invalid-label', text: longValue, phrase: 'must be no more than 63 characters (it has 64)' },
    {
      rule: 'api-invalid-label',
      text: longName,
      phrase: 'the name part must be no more than 63 characters (it has 64)',
    },
    { rule: 'api-invalid-label', text: '_app', phrase: 'Label key "_app" is invalid' },
    { rule: 'api-invalid-label', text: '"web!"', phrase: 'Label value "web!" is invalid' },
  ]);
});

// ---------------------------------------------------------------------------------------------------
// api-invalid-policy-type

test('api-invalid-policy-type: unsupported entries, a null entry and more than two entries', () => {
  expectOnly(validate(withSpec(`  podSelector: {}\n  policyTypes:\n    - egress\n    - Foo\n`)), [
    {
      rule: 'api-invalid-policy-type',
      text: 'egress',
      phrase:
        'Policy type "egress" is not supported: use Ingress or Egress. Policy types are case-sensitive: write Egress.',
      data: { suggestion: 'Egress' },
    },
    { rule: 'api-invalid-policy-type', text: 'Foo', phrase: 'Policy type "Foo" is not supported' },
  ]);
  expectOnly(validate(withSpec(`  podSelector: {}\n  policyTypes:\n    -\n`)), [
    { rule: 'api-invalid-policy-type', text: '-', phrase: 'reads it as "", which is not a policy type' },
  ]);
  // More than two: the API reports only that (and does not check the entries).
  expectOnly(validate(withSpec(`  podSelector: {}\n  policyTypes: [Ingress, Egress, Foo]\n`)), [
    {
      rule: 'api-invalid-policy-type',
      text: '[Ingress, Egress, Foo]',
      phrase: 'spec.policyTypes has 3 entries; the API allows at most two (Ingress and Egress)',
    },
  ]);
});

// ---------------------------------------------------------------------------------------------------
// General properties

test('findings come in source order, and spans point into the same file', () => {
  const findings = validate(
    withSpec(`
  podSelector: {}
  policyTypes: [Foo]
  ingress:
    - ports:
        - port: 0
`),
  );
  assert.deepEqual(
    findings.map((f) => f.rule),
    ['api-invalid-policy-type', 'api-invalid-port'],
  );
  for (const f of findings) assert.ok(f.span.end > f.span.start);
});

test('accepted nulls are warnings, so they do not make the policy rejected', () => {
  const findings = validate(withSpec(`  podSelector:\n  ingress:\n    - from:\n`));
  assert.ok(findings.length > 0);
  assert.ok(
    findings.every((f) => f.severity === 'warning' && f.rule === 'api-invalid-type'),
    show(findings),
  );
});
