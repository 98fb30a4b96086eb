/** The policyTypes lint rules: policy-types-ignored-rules and policy-types-implicit. */
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
${spec}
`;
}

test('policy-types-ignored-rules: egress rules under policyTypes [Ingress] point at the `egress` key', () => {
  const { findings } = lint(
    yaml(
      policy(`
    podSelector: {}
    policyTypes: [Ingress]
    ingress:
    - from:
      - podSelector: {}
    egress:
    - to:
      - podSelector: {}
    - ports:
      - port: 443`),
    ),
  );
  expectFinding(findings, {
    rule: 'policy-types-ignored-rules',
    text: 'egress',
    severity: 'warning',
    phrases: [
      'policyTypes of shop/p is [Ingress], without Egress, so Kubernetes ignores its 2 egress rules',
      'Add Egress to policyTypes',
      'become egress-isolated',
    ],
    data: { direction: 'Egress' },
  });
  expectCount(findings, 'policy-types-ignored-rules', 1);
  // Rules of an ignored direction are not judged by the other rules.
  expectNone(findings, 'allow-all-rule');
});

test('policy-types-ignored-rules: ingress rules under policyTypes [Egress]', () => {
  const { findings } = lint(
    yaml(
      policy(`
    podSelector: {}
    policyTypes:
    - Egress
    ingress:
    - {}
    egress:
    - to:
      - podSelector: {}`),
    ),
  );
  expectFinding(findings, {
    rule: 'policy-types-ignored-rules',
    text: 'ingress',
    phrases: ['is [Egress], without Ingress, so Kubernetes ignores its 1 ingress rule.'],
    data: { direction: 'Ingress' },
  });
});

test('policy-types-ignored-rules: not reported for matching types, empty lists or omitted policyTypes', () => {
  const { findings } = lint(
    yaml(
      policy(
        `
    podSelector: {}
    policyTypes: [Ingress, Egress]
    ingress:
    - from:
      - podSelector: {}
    egress:
    - to:
      - podSelector: {}`,
        'both',
      ),
      policy(
        `
    podSelector: {}
    policyTypes: [Ingress]
    egress: []`,
        'empty',
      ),
      policy(
        `
    podSelector: {}
    egress:
    - to:
      - podSelector: {}`,
        'implicit',
      ),
    ),
  );
  expectNone(findings, 'policy-types-ignored-rules');
});

test('policy-types-implicit: explains Ingress only and points at `spec`', () => {
  const { findings } = lint(
    yaml(
      policy(`
    podSelector: {}
    ingress:
    - from:
      - podSelector: {}`),
    ),
  );
  expectFinding(findings, {
    rule: 'policy-types-implicit',
    text: 'spec',
    severity: 'info',
    phrases: ['policyTypes is omitted, so shop/p affects Ingress only (it has no egress rules)'],
    data: { effective: ['Ingress'] },
  });
});

test('policy-types-implicit: egress rules make it Ingress and Egress; an empty egress list does not', () => {
  const withEgress = lint(
    yaml(
      policy(`
    podSelector: {}
    egress:
    - to:
      - podSelector: {}`),
    ),
  ).findings;
  expectFinding(withEgress, {
    rule: 'policy-types-implicit',
    text: 'spec',
    phrases: [
      'affects Ingress and Egress (it has egress rules)',
      'With no ingress rules, it denies all ingress to the pods it selects.',
    ],
    data: { effective: ['Ingress', 'Egress'] },
  });
  const emptyEgress = lint(
    yaml(
      policy(`
    podSelector: {}
    egress: []`),
    ),
  ).findings;
  expectFinding(emptyEgress, {
    rule: 'policy-types-implicit',
    text: 'spec',
    phrases: [
      'affects Ingress only (its egress list is empty',
      'list Egress in policyTypes to deny all egress',
    ],
    data: { effective: ['Ingress'] },
  });
});

test('policy-types-implicit: not reported when policyTypes is written', () => {
  const { findings } = lint(
    yaml(
      policy(`
    podSelector: {}
    policyTypes: [Ingress]`),
    ),
  );
  expectNone(findings, 'policy-types-implicit');
});
