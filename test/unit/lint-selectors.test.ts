/**
 * Lint rules about peer selectors: namespace-selector-all, pod-selector-cross-namespace and
 * namespace-name-label (shared/lint/rules).
 */
import { test } from 'node:test';
import { expectCount, expectFinding, expectNone, lint, yaml } from '../support/lint.js';

const namespaces = `
  apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
  ---
  apiVersion: v1
  kind: Namespace
  metadata:
    name: monitoring
  ---
  apiVersion: v1
  kind: Namespace
  metadata:
    name: logging
`;

const workloads = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: prometheus
    namespace: monitoring
  spec:
    template:
      metadata:
        labels:
          app: prometheus
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    template:
      metadata:
        labels:
          app: web
`;

/** An ingress policy in `shop` selecting app=web, with the given `from` peers (YAML lines, indented 4). */
function ingressPolicy(peers: string, name = 'allow-in'): string {
  return `
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: ${name}
    namespace: shop
  spec:
    podSelector:
      matchLabels:
        app: web
    policyTypes: [Ingress]
    ingress:
    - from:
${peers}
      ports:
      - port: 8080
`;
}

test('namespace-selector-all: `namespaceSelector: {}` with a podSelector names the pods and the namespaces', () => {
  const { findings } = lint(
    yaml(
      namespaces,
      ingressPolicy(`
      - namespaceSelector: {}
        podSelector: {matchLabels: {app: prometheus}}`),
    ),
  );
  expectFinding(findings, {
    rule: 'namespace-selector-all',
    text: '{}',
    severity: 'warning',
    phrases: [
      'ingress[0] of shop/allow-in admits traffic from pods labelled app=prometheus in every namespace',
      'the 3 namespaces in the workspace today, and every namespace created later',
    ],
    data: { policy: 'shop/allow-in' },
  });
});

test('namespace-selector-all: a selector without requirements alone admits every pod of every namespace', () => {
  const { findings } = lint(
    yaml(
      namespaces,
      ingressPolicy(`
      - namespaceSelector: {matchLabels: {}}`),
    ),
  );
  expectFinding(findings, {
    rule: 'namespace-selector-all',
    text: '{matchLabels: {}}',
    phrases: [
      'every pod of every namespace: the 3 namespaces in the workspace today, and every namespace created later',
    ],
    data: { policy: 'shop/allow-in' },
  });
});

test('namespace-selector-all: a namespaceSelector with requirements, or a rejected policy, is not reported', () => {
  const { findings } = lint(
    yaml(
      namespaces,
      ingressPolicy(`
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}`),
      `
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: rejected
      namespace: shop
    spec:
      podSelector: {}
      ingres: []
      ingress:
      - from:
        - namespaceSelector: {}
    `,
    ),
  );
  expectNone(findings, 'namespace-selector-all');
});

test('pod-selector-cross-namespace: a bare podSelector matching only another namespace names the workloads', () => {
  const { findings } = lint(
    yaml(
      namespaces,
      workloads,
      ingressPolicy(`
      - podSelector: {matchLabels: {app: prometheus}}`),
    ),
  );
  expectFinding(findings, {
    rule: 'pod-selector-cross-namespace',
    text: '{matchLabels: {app: prometheus}}',
    severity: 'warning',
    phrases: [
      'podSelector app=prometheus matches nothing in shop',
      'it matches monitoring/prometheus (Deployment, test.yaml:19) in monitoring',
      "a podSelector alone only selects pods in the policy's namespace",
    ],
    data: { namespaces: ['monitoring'] },
  });
  // The same peer is not reported again as matching nothing.
  expectNone(findings, 'peer-matches-nothing');
});

test('pod-selector-cross-namespace: sorted namespaces when several match', () => {
  const { findings } = lint(
    yaml(
      namespaces,
      workloads,
      `
    apiVersion: v1
    kind: Pod
    metadata:
      name: prometheus-old
      namespace: logging
      labels:
        app: prometheus`,
      ingressPolicy(`
      - podSelector: {matchLabels: {app: prometheus}}`),
    ),
  );
  expectFinding(findings, {
    rule: 'pod-selector-cross-namespace',
    text: '{matchLabels: {app: prometheus}}',
    phrases: ['logging/prometheus-old (Pod, test.yaml:', 'in logging and monitoring'],
    data: { namespaces: ['logging', 'monitoring'] },
  });
});

test('pod-selector-cross-namespace: not reported with a namespaceSelector or when the own namespace matches', () => {
  const { findings } = lint(
    yaml(
      namespaces,
      workloads,
      ingressPolicy(`
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
        podSelector: {matchLabels: {app: prometheus}}
      - podSelector: {matchLabels: {app: web}}`),
    ),
  );
  expectNone(findings, 'pod-selector-cross-namespace');
});

test('namespace-name-label: matchLabels `name` points at the key and says what kubernetes.io/metadata.name would match', () => {
  const { findings } = lint(
    yaml(
      namespaces,
      ingressPolicy(`
      - namespaceSelector:
          matchLabels:
            name: monitoring`),
    ),
  );
  expectFinding(findings, {
    rule: 'namespace-name-label',
    text: 'name',
    severity: 'warning',
    phrases: [
      'Kubernetes does not set a `name` label on namespaces',
      'it sets `kubernetes.io/metadata.name` automatically',
      'With `kubernetes.io/metadata.name` it would match namespace monitoring.',
    ],
    data: { namespaces: ['monitoring'] },
  });
});

test('namespace-name-label: matchExpressions key `name` points at the key value, with all values', () => {
  const { findings } = lint(
    yaml(
      namespaces,
      ingressPolicy(`
      - namespaceSelector:
          matchExpressions:
          - key: name
            operator: In
            values: [monitoring, payments]`),
    ),
  );
  const f = expectFinding(findings, {
    rule: 'namespace-name-label',
    text: 'name',
    phrases: ['it would match namespace monitoring (and payments, which the workspace does not show)'],
    data: { namespaces: ['monitoring', 'payments'] },
  });
  // The span is the value of `key:`, not the word `name` elsewhere.
  const line = f.file.text.split('\n')[f.file.lineColumn(f.span.start).line - 1]!;
  if (!line.includes('- key: name')) throw new Error(`span on the wrong line: ${line}`);
  expectCount(findings, 'namespace-name-label', 1);
});

test('namespace-name-label: not reported when a Namespace of the workspace defines a `name` label', () => {
  const { findings } = lint(
    yaml(
      `
    apiVersion: v1
    kind: Namespace
    metadata:
      name: monitoring
      labels:
        name: monitoring`,
      ingressPolicy(`
      - namespaceSelector:
          matchLabels:
            name: monitoring`),
    ),
  );
  expectNone(findings, 'namespace-name-label');
});

test('namespace-name-label: not reported for kubernetes.io/metadata.name or a `name` pod label', () => {
  const { findings } = lint(
    yaml(
      namespaces,
      ingressPolicy(`
      - namespaceSelector:
          matchLabels:
            kubernetes.io/metadata.name: monitoring
        podSelector:
          matchLabels:
            name: prometheus`),
    ),
  );
  expectNone(findings, 'namespace-name-label');
});
