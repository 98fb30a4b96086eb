/** Lint rules about the shape of rules: allow-all-rule, split-rule and egress-metadata-endpoint. */
import { test } from 'node:test';
import { expectCount, expectFinding, expectNone, lint, yaml } from '../support/lint.js';

function policy(spec: string, name = 'p'): string {
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
${spec}
`;
}

test('allow-all-rule: `- {}` is one info finding naming the rules it makes redundant', () => {
  const { findings } = lint(
    yaml(
      policy(`
    policyTypes: [Ingress, Egress]
    ingress:
    - {}
    - from: []
      ports:
      - {port: 8080}
    egress:
    - ports:
      - {port: 443}`),
    ),
  );
  expectFinding(findings, {
    rule: 'allow-all-rule',
    text: '{}',
    severity: 'info',
    phrases: [
      'ingress[0] of shop/p has no `from` peers and no ports, so the policy admits traffic from every source',
      'every address outside the cluster, on all ports',
      'It makes ingress[1] redundant',
    ],
    data: undefined,
  });
  expectFinding(findings, {
    rule: 'allow-all-rule',
    text: 'ports:\n    - {port: 443}',
    severity: 'info',
    phrases: [
      'egress[0] of shop/p has no `to` peers, so it allows traffic to every destination',
      'including the internet',
      'on TCP 443',
    ],
    data: undefined,
  });
  expectCount(findings, 'allow-all-rule', 2);
});

test('allow-all-rule: a warning where the policy name speaks against it; `from: []` is said to match everyone', () => {
  const { findings } = lint(
    yaml(
      policy(`
    policyTypes: [Ingress]
    ingress:
    - from: []
      ports:
      - {port: 8080}`).replace('name: p', 'name: deny-all-ingress'),
      policy(`
    policyTypes: [Egress]
    egress:
    - {}`).replace('name: p', 'name: allow-all-egress-deny-ingress'),
    ),
  );
  expectFinding(findings, {
    rule: 'allow-all-rule',
    text: 'from: []\n    ports:\n    - {port: 8080}',
    severity: 'warning',
    phrases: [
      "The policy's name (deny-all-ingress) speaks against opening it to everyone",
      '`from: []` is no restriction: an empty list matches everyone',
    ],
  });
  // A name that also says "allow all" states the intent: info.
  expectFinding(findings, { rule: 'allow-all-rule', text: '{}', severity: 'info' });
  expectCount(findings, 'allow-all-rule', 2);
});

test('allow-all-rule: a ports-only egress rule on the DNS ports is the standard DNS allow, not reported', () => {
  const { findings } = lint(
    yaml(
      policy(`
    policyTypes: [Egress]
    egress:
    - to:
      - podSelector: {matchLabels: {app: db}}
    - ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}`),
    ),
  );
  expectNone(findings, 'allow-all-rule');
});

test('allow-all-rule: rules with peers are not reported', () => {
  const { findings } = lint(
    yaml(
      policy(`
    policyTypes: [Ingress]
    ingress:
    - from:
      - podSelector: {}
      ports:
      - {port: 8080}`),
    ),
  );
  expectNone(findings, 'allow-all-rule');
});

test('split-rule: peers without ports followed by ports without peers point at the second rule', () => {
  const { findings } = lint(
    yaml(
      policy(`
    policyTypes: [Ingress]
    ingress:
    - from:
      - podSelector: {matchLabels: {app: frontend}}
    - ports:
      - {port: 5432}`),
    ),
  );
  expectFinding(findings, {
    rule: 'split-rule',
    text: 'ports:\n    - {port: 5432}',
    severity: 'warning',
    phrases: [
      'ingress[1] of shop/p has ports but no `from`, so it allows traffic from every source (including outside the cluster) on TCP 5432',
      'ingress[0] before it has `from` but no ports',
      'A stray `-` probably split one rule in two',
    ],
    data: { direction: 'ingress', index: 0 },
  });
  // The second rule is reported once, as a split rule.
  expectNone(findings, 'allow-all-rule');
});

test('split-rule: egress direction and index of the first rule', () => {
  const { findings } = lint(
    yaml(
      policy(`
    policyTypes: [Egress]
    egress:
    - to:
      - ipBlock: {cidr: 10.0.0.0/8}
      ports:
      - {port: 53, protocol: UDP}
    - to:
      - podSelector: {matchLabels: {app: db}}
    - ports:
      - {port: 5432}`),
    ),
  );
  expectFinding(findings, {
    rule: 'split-rule',
    text: 'ports:\n    - {port: 5432}',
    phrases: ['egress[2] of shop/p has ports but no `to`', 'to every destination'],
    data: { direction: 'egress', index: 1 },
  });
});

test('split-rule: not reported for complete rules or a ports-only rule after one with ports', () => {
  const { findings } = lint(
    yaml(
      policy(`
    policyTypes: [Ingress]
    ingress:
    - from:
      - podSelector: {matchLabels: {app: frontend}}
      ports:
      - {port: 80}
    - ports:
      - {port: 5432}`),
    ),
  );
  expectNone(findings, 'split-rule');
});

test('egress-metadata-endpoint: 0.0.0.0/0 with port 80 points at the cidr value', () => {
  const { findings } = lint(
    yaml(
      policy(`
    policyTypes: [Egress]
    egress:
    - to:
      - ipBlock:
          cidr: 0.0.0.0/0
          except: [10.0.0.0/8]
      ports:
      - {port: 80}
      - {port: 443}`),
    ),
  );
  expectFinding(findings, {
    rule: 'egress-metadata-endpoint',
    text: '0.0.0.0/0',
    severity: 'warning',
    phrases: [
      'ipBlock 0.0.0.0/0 in egress[0] of shop/p includes 169.254.169.254, the cloud instance metadata endpoint',
      'Add `169.254.169.254/32` to `except`',
    ],
    data: { address: '169.254.169.254', except: '169.254.169.254/32' },
  });
});

test('egress-metadata-endpoint: IPv6 ::/0 on all ports reaches fd00:ec2::254', () => {
  const { findings } = lint(
    yaml(
      policy(`
    policyTypes: [Egress]
    egress:
    - to:
      - ipBlock: {cidr: "::/0"}`),
    ),
  );
  expectFinding(findings, {
    rule: 'egress-metadata-endpoint',
    text: '"::/0"',
    phrases: ['includes fd00:ec2::254'],
    data: { address: 'fd00:ec2::254', except: 'fd00:ec2::254/128' },
  });
});

test('egress-metadata-endpoint: not reported with the except, without port 80, or for a block that misses it', () => {
  const { findings } = lint(
    yaml(
      policy(`
    policyTypes: [Egress]
    egress:
    - to:
      - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}
    - to:
      - ipBlock: {cidr: 0.0.0.0/0}
      ports:
      - {port: 443}
      - {port: 80, protocol: UDP}
    - to:
      - ipBlock: {cidr: 10.0.0.0/8}`),
    ),
  );
  expectNone(findings, 'egress-metadata-endpoint');
});
