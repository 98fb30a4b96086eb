/**
 * What the shipped language server reports on examples/ with default settings, as
 * `line:column severity rule` (1-based). The API findings are those of
 * `node dist/cli.js check examples --format json` (the CLI reports API validity and input problems);
 * the semantic rules (docs/rules.md) are reported by the server only. Keep both in step with
 * examples/README.md.
 */
export const EXPECTED_DIAGNOSTICS: Readonly<Record<string, readonly string[]>> = {
  'shop/monitoring-policy.yaml': [
    '9:3 warning api-invalid-type', // `podSelector:` with no value (null)
    '10:3 error api-unknown-field', // `matchLabels` slid out of podSelector
    '18:20 error api-invalid-end-port', // endPort 9090 below port 9100
    '20:21 error api-invalid-protocol', // `tcp`
  ],
  'shop/policies.yaml': [
    '9:26 warning dns-egress-missing', // default-deny isolates egress without DNS (frontend and db, once)
    '23:7 info allow-all-rule', // frontend ingress without `from`: a public entry point, commonly intended
    '55:15 warning namespace-name-label', // `name: monitoring`
    '93:1 info policy-types-implicit', // db omits policyTypes
  ],
  'shop/payments-policies.yaml': [
    '7:1 info policy-types-implicit',
    '33:17 warning dns-egress-missing', // payments-egress allows 443 to the internet only
  ],
  'shop/workloads.yaml': [
    '91:9 info workload-not-isolated', // prometheus
    '111:9 info workload-not-isolated', // coredns
  ],
  'shop/namespaces.yaml': [],
};

/** The preferred quick fix of dns-egress-missing with the default `netpolScope.dns` settings. */
export const DNS_FIX_TITLE = 'Add DNS egress (UDP/TCP 53)';
