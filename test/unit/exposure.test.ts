/** Exposure stand-ins (shared/reach/exposure.ts): which audiences beyond the workspace get a node. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextOf } from '../support/context.js';
import { exposureDescription, withExposure } from '../../shared/reach/exposure.js';

const policy = (peers: string) => `
  apiVersion: v1
  kind: Namespace
  metadata: {name: payments}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: p, namespace: payments}
  spec:
    podSelector: {}
    ingress:
    - from:
${peers}
`;

function standIns(peers: string): Array<[string, string]> {
  const model = withExposure(contextOf(policy(peers)).workspace.model);
  return model.workloads
    .filter((w) => exposureDescription(w) !== undefined)
    .map((w) => [`${w.namespace}/${w.name}`, exposureDescription(w)!]);
}

const anyPod: [string, string] = ['*/*', 'any pod in other namespaces'];

test('each namespace named by kubernetes.io/metadata.name that the workspace lacks gets its own stand-in', () => {
  assert.deepEqual(
    standIns(`      - namespaceSelector:
          matchExpressions:
          - {key: kubernetes.io/metadata.name, operator: In, values: [payments, audit, billing]}`),
    [
      anyPod,
      ['audit/*', 'any pod in namespace audit, which the workspace does not declare'],
      ['billing/*', 'any pod in namespace billing, which the workspace does not declare'],
    ],
  );
});

test('the least labels: Exists needs the key, NotIn and DoesNotExist need nothing, contradictions nobody', () => {
  assert.deepEqual(
    standIns(`      - namespaceSelector:
          matchExpressions:
          - {key: team, operator: Exists}
          - {key: env, operator: NotIn, values: [prod]}
        podSelector:
          matchExpressions:
          - {key: legacy, operator: DoesNotExist}
          - {key: app, operator: In, values: [a, b]}`),
    [anyPod, ['*{team}/*{app=a}', 'pods labelled app=a in namespaces labelled team']],
  );
  assert.deepEqual(
    standIns(`      - namespaceSelector:
          matchExpressions:
          - {key: tier, operator: In, values: [a]}
          - {key: tier, operator: NotIn, values: [a]}`),
    [anyPod],
  );
  // A bare podSelector stays in the policy's namespace: no stand-in beyond the workspace.
  assert.deepEqual(standIns(`      - podSelector: {matchLabels: {app: a}}`), [anyPod]);
});
