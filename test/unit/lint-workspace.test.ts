/**
 * Lint rules that check policies against the workloads of the workspace: policy-selects-nothing,
 * peer-matches-nothing, named-port-unresolved (with their gate: the workspace has workloads) and
 * workload-not-isolated.
 */
import { test } from 'node:test';
import { expectCount, expectFinding, expectNone, lint, yaml } from '../support/lint.js';

const carts = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: carts
    namespace: shop
  spec:
    template:
      metadata:
        labels:
          name: carts
      spec:
        containers:
        - name: carts
          ports:
          - {name: http, containerPort: 8080}
          - {name: dns, containerPort: 53, protocol: UDP}
`;

const web = `
  apiVersion: v1
  kind: Pod
  metadata:
    name: web
    namespace: shop
    labels:
      app: web
  spec:
    containers:
    - name: web
      ports:
      - {name: web, containerPort: 80}
`;

function policy(name: string, spec: string, namespace = 'shop'): string {
  return `
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: ${name}
    namespace: ${namespace}
  spec:
${spec}
`;
}

test('policy-selects-nothing: names the namespace, the selector and a similarly labelled workload', () => {
  const { findings } = lint(
    yaml(
      carts,
      web,
      policy(
        'carts',
        `
    podSelector: {matchLabels: {name: cart}}
    policyTypes: [Ingress]`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'policy-selects-nothing',
    text: '{matchLabels: {name: cart}}',
    severity: 'warning',
    phrases: [
      'podSelector name=cart of shop/carts selects no workload of the workspace',
      'no workload of namespace shop matches it, but shop/carts (Deployment, test.yaml:4) is labelled name=carts',
    ],
  });
});

test('policy-selects-nothing: info listing the workloads when none is similar; nothing for a namespace without workloads', () => {
  const { findings } = lint(
    yaml(
      carts,
      policy(
        'web',
        `
    podSelector: {matchLabels: {tier: frontend}}`,
      ),
      policy(
        'all',
        `
    podSelector: {}`,
        'payments',
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'policy-selects-nothing',
    text: '{matchLabels: {tier: frontend}}',
    severity: 'info',
    phrases: [
      'none of the 1 workload of namespace shop matches it (shop/carts (Deployment, test.yaml:4))',
      'Reported as info: pods deployed from elsewhere',
    ],
  });
  // payments shows no workload at all: nothing can be concluded there.
  expectCount(findings, 'policy-selects-nothing', 1);
});

test('peer-matches-nothing: a pod-selecting peer that matches no workload points at the peer', () => {
  const { findings } = lint(
    yaml(
      carts,
      web,
      policy(
        'carts',
        `
    podSelector: {matchLabels: {name: carts}}
    policyTypes: [Ingress]
    ingress:
    - from:
      - podSelector: {matchLabels: {app: wbe}}
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}
        podSelector: {matchLabels: {app: orders}}`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'peer-matches-nothing',
    text: 'podSelector: {matchLabels: {app: wbe}}',
    severity: 'warning',
    phrases: [
      'This peer of ingress[0] of shop/carts matches no workload of the workspace',
      "no pods labelled app=wbe in shop (a podSelector without namespaceSelector selects pods of the policy's namespace only)",
      'Close: shop/web (Pod, test.yaml:',
    ],
  });
  expectFinding(findings, {
    rule: 'peer-matches-nothing',
    text: 'namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}\n      podSelector: {matchLabels: {app: orders}}',
    phrases: [
      'no pods labelled app=orders in the 1 namespace with workloads that its namespaceSelector matches (shop)',
    ],
  });
});

test('peer-matches-nothing: not reported for matching peers, the DNS, namespace-only peers or unknown namespaces', () => {
  const { findings } = lint(
    yaml(
      carts,
      web,
      policy(
        'carts',
        `
    podSelector: {matchLabels: {name: carts}}
    policyTypes: [Ingress, Egress]
    ingress:
    - from:
      - podSelector: {matchLabels: {app: web}}
      - namespaceSelector: {matchLabels: {team: ops}}
      - namespaceSelector: {matchLabels: {team: ops}}
        podSelector: {matchLabels: {app: grafana}}
      - namespaceSelector: {}
        podSelector: {}
    egress:
    - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
        podSelector: {matchLabels: {k8s-app: kube-dns}}`,
      ),
    ),
  );
  expectNone(findings, 'peer-matches-nothing');
});

test('named-port-unresolved: an ingress named port that the selected pods do not declare points at the port value', () => {
  const { findings } = lint(
    yaml(
      carts,
      web,
      policy(
        'carts',
        `
    podSelector: {matchLabels: {name: carts}}
    policyTypes: [Ingress]
    ingress:
    - ports:
      - port: http
      - port: metrics
      - port: dns
        protocol: TCP`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'named-port-unresolved',
    text: 'metrics',
    severity: 'warning',
    phrases: [
      'No destination pod of ingress[0] of shop/carts declares a TCP container port named `metrics` (checked shop/carts (Deployment, test.yaml:4))',
      'this entry allows nothing there',
    ],
    data: { name: 'metrics' },
  });
  expectFinding(findings, {
    rule: 'named-port-unresolved',
    text: 'dns',
    phrases: ['a TCP container port named `dns`', 'shop/carts (Deployment, test.yaml:4) declares it as UDP'],
    data: { name: 'dns' },
  });
  expectCount(findings, 'named-port-unresolved', 2);
});

test('named-port-unresolved: egress named ports resolve on the peers’ pods, including the cluster DNS', () => {
  const { findings } = lint(
    yaml(
      carts,
      web,
      policy(
        'web',
        `
    podSelector: {matchLabels: {app: web}}
    policyTypes: [Egress]
    egress:
    - to:
      - podSelector: {matchLabels: {name: carts}}
      ports:
      - port: http
      - port: grpc
    - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
        podSelector: {matchLabels: {k8s-app: kube-dns}}
      ports:
      - {port: dns, protocol: UDP}
      - {port: dns-tcp, protocol: TCP}`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'named-port-unresolved',
    text: 'grpc',
    phrases: ['No destination pod of egress[0] of shop/web declares a TCP container port named `grpc`'],
    data: { name: 'grpc' },
  });
  expectCount(findings, 'named-port-unresolved', 1);
});

test('gate: a workspace without workloads reports none of policy-selects-nothing, peer-matches-nothing, named-port-unresolved', () => {
  const { findings } = lint(
    yaml(
      policy(
        'carts',
        `
    podSelector: {matchLabels: {name: cart}}
    policyTypes: [Ingress]
    ingress:
    - from:
      - podSelector: {matchLabels: {app: web}}
      ports:
      - port: metrics`,
      ),
    ),
  );
  expectNone(findings, 'policy-selects-nothing');
  expectNone(findings, 'peer-matches-nothing');
  expectNone(findings, 'named-port-unresolved');
});

test('workload-not-isolated: names the directions no policy isolates, on metadata.name', () => {
  const { findings } = lint(
    yaml(
      carts,
      web,
      policy(
        'carts-in',
        `
    podSelector: {matchLabels: {name: carts}}
    policyTypes: [Ingress]`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'workload-not-isolated',
    text: 'carts',
    severity: 'info',
    phrases: [
      'No NetworkPolicy selects shop/carts (Deployment, test.yaml:4) for egress, so it may connect to every pod and address',
    ],
    data: { directions: ['Egress'] },
  });
  expectFinding(findings, {
    rule: 'workload-not-isolated',
    text: 'web',
    line: 21,
    phrases: [
      'No NetworkPolicy selects shop/web (Pod, test.yaml:21) for ingress or egress, so every connection to and from it is allowed',
    ],
    data: { directions: ['Ingress', 'Egress'] },
  });
});

test('workload-not-isolated: not reported without policies, for isolated workloads, or for host-network pods', () => {
  expectNone(lint(yaml(carts, web)).findings, 'workload-not-isolated');
  const { findings } = lint(
    yaml(
      carts,
      `
    apiVersion: v1
    kind: Pod
    metadata:
      name: node-agent
      namespace: shop
    spec:
      hostNetwork: true`,
      policy(
        'deny',
        `
    podSelector: {}
    policyTypes: [Ingress, Egress]`,
      ),
    ),
  );
  expectNone(findings, 'workload-not-isolated');
});
