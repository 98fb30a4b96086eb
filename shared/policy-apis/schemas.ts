/**
 * The fields of each modelled policy API, at every level: what the readers accept (unknown fields are
 * reported by PolicyReader.fields with a "did you mean") and what completion offers. One description per
 * API, from its Go types / CRD schema:
 * - network-policy-api apis/v1alpha2/clusternetworkpolicy_types.go, apis/v1alpha1/*_types.go;
 * - Cilium pkg/policy/api (rule.go, ingress.go, egress.go, l4.go, http.go, fqdn.go, cidr.go);
 * - Calico api/pkg/apis/projectcalico/v3 (networkpolicy.go, globalnetworkpolicy.go, policy_common.go, tier.go).
 *
 * A schema node is an object of fields, 'scalar' (a value), 'map' (free keys: labels, metadata) or a
 * one-element list of the item's schema.
 */
export type FieldSchema =
  'scalar' | 'map' | readonly [FieldSchema] | { readonly [field: string]: FieldSchema };

const selector: FieldSchema = {
  matchLabels: 'map',
  matchExpressions: [{ key: 'scalar', operator: 'scalar', values: ['scalar'] }],
};
const pods: FieldSchema = { namespaceSelector: selector, podSelector: selector };
const subject: FieldSchema = { namespaces: selector, pods };
const destinationPort: FieldSchema = {
  destinationPort: { number: 'scalar', range: { start: 'scalar', end: 'scalar' } },
};
const protocols: FieldSchema = [
  { tcp: destinationPort, udp: destinationPort, sctp: destinationPort, destinationNamedPort: 'scalar' },
];
const v1alpha1Ports: FieldSchema = [
  {
    portNumber: { protocol: 'scalar', port: 'scalar' },
    portRange: { protocol: 'scalar', start: 'scalar', end: 'scalar' },
    namedPort: 'scalar',
  },
];
const root = (spec: FieldSchema, extra: Record<string, FieldSchema> = {}): FieldSchema => ({
  apiVersion: 'scalar',
  kind: 'scalar',
  metadata: 'map',
  spec,
  status: 'map',
  ...extra,
});

const clusterNetworkPolicy = root({
  tier: 'scalar',
  priority: 'scalar',
  subject,
  ingress: [{ name: 'scalar', action: 'scalar', from: [{ namespaces: selector, pods }], protocols }],
  egress: [
    {
      name: 'scalar',
      action: 'scalar',
      to: [{ namespaces: selector, pods, nodes: selector, networks: ['scalar'], domainNames: ['scalar'] }],
      protocols,
    },
  ],
});

const anpRules = {
  ingress: [
    { name: 'scalar', action: 'scalar', from: [{ namespaces: selector, pods }], ports: v1alpha1Ports },
  ],
  egress: [
    {
      name: 'scalar',
      action: 'scalar',
      to: [{ namespaces: selector, pods, nodes: selector, networks: ['scalar'] }],
      ports: v1alpha1Ports,
    },
  ],
} as const;

const ciliumPorts: FieldSchema = [
  {
    ports: [{ port: 'scalar', endPort: 'scalar', protocol: 'scalar' }],
    rules: {
      http: [
        { method: 'scalar', path: 'scalar', host: 'scalar', headers: ['scalar'], headerMatches: ['map'] },
      ],
      dns: [{ matchName: 'scalar', matchPattern: 'scalar' }],
      kafka: ['map'],
      l7proto: 'scalar',
      l7: ['map'],
    },
    terminatingTLS: 'map',
    originatingTLS: 'map',
    serverNames: ['scalar'],
    listener: 'map',
  },
];
const cidrSet: FieldSchema = [
  { cidr: 'scalar', except: ['scalar'], cidrGroupRef: 'scalar', cidrGroupSelector: selector },
];
const ciliumIngress = {
  fromEndpoints: [selector],
  fromEntities: ['scalar'],
  fromCIDR: ['scalar'],
  fromCIDRSet: cidrSet,
  fromRequires: [selector],
  fromGroups: ['map'],
  fromNodes: [selector],
  toPorts: ciliumPorts,
  icmps: ['map'],
} as const;
const ciliumEgress = {
  toEndpoints: [selector],
  toEntities: ['scalar'],
  toCIDR: ['scalar'],
  toCIDRSet: cidrSet,
  toRequires: [selector],
  toGroups: ['map'],
  toNodes: [selector],
  toServices: ['map'],
  toPorts: ciliumPorts,
  icmps: ['map'],
} as const;
const ciliumSpec: FieldSchema = {
  description: 'scalar',
  endpointSelector: selector,
  nodeSelector: selector,
  ingress: [{ ...ciliumIngress, authentication: 'map' }],
  ingressDeny: [ciliumIngress],
  egress: [
    { ...ciliumEgress, toFQDNs: [{ matchName: 'scalar', matchPattern: 'scalar' }], authentication: 'map' },
  ],
  egressDeny: [ciliumEgress],
  labels: ['map'],
  enableDefaultDeny: { ingress: 'scalar', egress: 'scalar' },
  log: 'map',
};
const ciliumPolicy = root(ciliumSpec, { specs: [ciliumSpec] });

const entityRule: FieldSchema = {
  nets: ['scalar'],
  notNets: ['scalar'],
  selector: 'scalar',
  notSelector: 'scalar',
  namespaceSelector: 'scalar',
  ports: ['scalar'],
  notPorts: ['scalar'],
  serviceAccounts: { names: ['scalar'], selector: 'scalar' },
  services: { name: 'scalar', namespace: 'scalar' },
};
const calicoRule: FieldSchema = {
  action: 'scalar',
  protocol: 'scalar',
  notProtocol: 'scalar',
  icmp: 'map',
  notICMP: 'map',
  ipVersion: 'scalar',
  source: entityRule,
  destination: entityRule,
  http: 'map',
  metadata: 'map',
};
const calicoSpec = {
  order: 'scalar',
  tier: 'scalar',
  selector: 'scalar',
  types: ['scalar'],
  ingress: [calicoRule],
  egress: [calicoRule],
  serviceAccountSelector: 'scalar',
  performanceHints: ['scalar'],
} as const;

const schemas: Readonly<Record<string, FieldSchema>> = {
  ClusterNetworkPolicy: clusterNetworkPolicy,
  AdminNetworkPolicy: root({ priority: 'scalar', subject, ...anpRules }),
  BaselineAdminNetworkPolicy: root({ subject, ...anpRules }),
  CiliumNetworkPolicy: ciliumPolicy,
  CiliumClusterwideNetworkPolicy: ciliumPolicy,
  'calico:NetworkPolicy': root(calicoSpec),
  'calico:GlobalNetworkPolicy': root({
    ...calicoSpec,
    namespaceSelector: 'scalar',
    doNotTrack: 'scalar',
    preDNAT: 'scalar',
    applyOnForward: 'scalar',
  }),
  'calico:Tier': root({ order: 'scalar', defaultAction: 'scalar' }),
};

/** The schema of a kind (`calico:` prefixed for Calico's kinds, whose names clash with v1's). */
export function schemaOf(kind: string): FieldSchema | undefined {
  return schemas[kind];
}

/**
 * The schema at a field path (`spec.ingress[0].from[1]`; list indexes may be written `[]`), or undefined
 * where the path leaves the schema.
 */
export function schemaAt(
  schema: FieldSchema | undefined,
  path: string | ReadonlyArray<string | number>,
): FieldSchema | undefined {
  const steps = typeof path === 'string' ? parsePath(path) : path;
  let at: FieldSchema | undefined = schema;
  for (const step of steps) {
    if (at === undefined || at === 'scalar' || at === 'map') return undefined;
    if (typeof step === 'number') {
      at = Array.isArray(at) ? (at as readonly [FieldSchema])[0] : undefined;
      continue;
    }
    if (Array.isArray(at)) return undefined;
    at = (at as { readonly [field: string]: FieldSchema })[step];
  }
  return at;
}

/** The field names of an object schema (none for anything else). */
export function fieldNames(schema: FieldSchema | undefined): string[] {
  if (schema === undefined || typeof schema === 'string' || Array.isArray(schema)) return [];
  return Object.keys(schema);
}

function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const part of path.split('.')) {
    if (part === '') continue;
    const m = /^([^[]*)((?:\[\d*\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    const lists = (m[2]!.match(/\[\d*\]/g) ?? []).length;
    for (let i = 0; i < lists; i++) out.push(0);
  }
  return out;
}
