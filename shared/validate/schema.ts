/**
 * The one typed description of a networking.k8s.io/v1 NetworkPolicy object: which fields exist at every
 * level, what type each holds, and what the API server makes of a null.
 *
 * Field set and types follow the Go types the API server decodes into:
 * - kubernetes/kubernetes staging/src/k8s.io/api/networking/v1/types.go (NetworkPolicy, NetworkPolicySpec,
 *   NetworkPolicyIngressRule, NetworkPolicyEgressRule, NetworkPolicyPort, IPBlock, NetworkPolicyPeer;
 *   `status` is tombstoned there, so it is not a field);
 * - staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go (TypeMeta, ObjectMeta, LabelSelector,
 *   LabelSelectorRequirement, OwnerReference, ManagedFieldsEntry).
 *
 * Decoding rules behind the scalar kinds: the server decodes JSON (kubectl converts YAML with
 * sigs.k8s.io/yaml first) case-sensitively, and with strict field validation (kubectl's default) a key
 * that is not a field is an error. A number or boolean where a Go string is expected, or a string where
 * an int32 is expected, fails to decode. `port` is an intstr.IntOrString: a JSON string is always its
 * string (named-port) form, a JSON number its int form (intstr.IntOrString.UnmarshalJSON). A JSON null
 * never fails to decode: a pointer, slice or map becomes nil and a struct or string keeps its zero value;
 * `onNull` says what that means for the policy where it is worth telling.
 */

export type ScalarKind =
  /** A Go string. */
  | 'string'
  /** A Go integer (int32/int64): a JSON number without a fraction. */
  | 'integer'
  | 'boolean'
  /** intstr.IntOrString: an integer or a string. */
  | 'intOrString'
  /** metav1.Time: an RFC 3339 string (or null). */
  | 'time'
  /** Anything (managedFields' fieldsV1). */
  | 'any';

/** What the API server does with a null, completing "<field> is null; …". */
export interface NullEffect {
  /**
   * 'error' when the null leads the API server to reject the object, 'warning' when it is accepted but
   * changes what the policy does, 'info' when it reads as what the author commonly means.
   */
  readonly severity: 'info' | 'warning' | 'error';
  readonly effect: string;
}

export interface ScalarType {
  readonly kind: 'scalar';
  readonly scalar: ScalarKind;
  /** For messages: "a string", "an integer". */
  readonly title: string;
}

export interface ListType {
  readonly kind: 'list';
  readonly items: FieldType;
  /** For messages: "a list of ingress rules". */
  readonly title: string;
  /** What a null entry (`-` with nothing after it) becomes, when the structure check reports it. */
  readonly nullItem?: NullEffect;
}

export interface MapType {
  readonly kind: 'map';
  readonly values: FieldType;
  readonly title: string;
}

export interface ObjectType {
  readonly kind: 'object';
  /** For messages: "an ingress rule", "a peer". */
  readonly title: string;
  readonly fields: Readonly<Record<string, Field>>;
}

export type FieldType = ScalarType | ListType | MapType | ObjectType;

export interface Field {
  readonly type: FieldType;
  /** Reported by the structure check when the field is null; fields without it are left to the validators. */
  readonly onNull?: NullEffect;
}

const string: ScalarType = { kind: 'scalar', scalar: 'string', title: 'a string' };
const integer: ScalarType = { kind: 'scalar', scalar: 'integer', title: 'an integer' };
const boolean: ScalarType = { kind: 'scalar', scalar: 'boolean', title: 'true or false' };
const intOrString: ScalarType = {
  kind: 'scalar',
  scalar: 'intOrString',
  title: 'a port number or a port name',
};
const time: ScalarType = { kind: 'scalar', scalar: 'time', title: 'a timestamp string' };
const any: ScalarType = { kind: 'scalar', scalar: 'any', title: 'any value' };

function list(items: FieldType, title: string, nullItem?: NullEffect): ListType {
  return nullItem ? { kind: 'list', items, title, nullItem } : { kind: 'list', items, title };
}

function field(type: FieldType, onNull?: NullEffect): Field {
  return onNull ? { type, onNull } : { type };
}

const stringMap = (title: string): MapType => ({ kind: 'map', values: string, title });

/** metav1.LabelSelectorRequirement. */
export const labelSelectorRequirementType: ObjectType = {
  kind: 'object',
  title: 'a selector requirement',
  fields: {
    key: field(string),
    operator: field(string),
    // Null entries and a null list are judged against the operator by the selector validator.
    values: field(list(string, 'a list of label values')),
  },
};

/**
 * metav1.LabelSelector. A null `matchLabels`/`matchExpressions` is info, not a warning (severity policy,
 * docs/rules.md): `matchLabels:` with nothing under it is how manifests commonly write "all", and where
 * indentation was lost the labels land beside it as unknown fields, which api-unknown-field reports.
 */
export const labelSelectorType: ObjectType = {
  kind: 'object',
  title: 'a label selector',
  fields: {
    matchLabels: field(stringMap('a map of label keys to string values'), {
      severity: 'info',
      effect: 'Kubernetes reads it as no labels, so it adds no condition to the selector',
    }),
    matchExpressions: field(list(labelSelectorRequirementType, 'a list of selector requirements'), {
      severity: 'info',
      effect: 'Kubernetes reads it as no expressions, so it adds no condition to the selector',
    }),
  },
};

/** networking/v1 IPBlock. */
export const ipBlockType: ObjectType = {
  kind: 'object',
  title: 'an ipBlock',
  fields: {
    cidr: field(string),
    except: field(list(string, 'a list of CIDRs')),
  },
};

/** networking/v1 NetworkPolicyPeer. Null selectors and ipBlock depend on their siblings: see peers.ts. */
export const peerType: ObjectType = {
  kind: 'object',
  title: 'a peer',
  fields: {
    podSelector: field(labelSelectorType),
    namespaceSelector: field(labelSelectorType),
    ipBlock: field(ipBlockType),
  },
};

/** networking/v1 NetworkPolicyPort. */
export const portType: ObjectType = {
  kind: 'object',
  title: 'a port',
  fields: {
    protocol: field(string),
    port: field(intOrString, {
      severity: 'warning',
      effect: 'Kubernetes reads it as absent, so this entry matches every port of its protocol',
    }),
    endPort: field(integer),
  },
};

const portsField = field(
  list(portType, 'a list of ports', {
    severity: 'warning',
    effect: 'Kubernetes reads it as an empty port entry, which matches every TCP port',
  }),
  { severity: 'warning', effect: 'Kubernetes reads it as absent, so the rule matches all ports' },
);

/** networking/v1 NetworkPolicyIngressRule. */
export const ingressRuleType: ObjectType = {
  kind: 'object',
  title: 'an ingress rule',
  fields: {
    ports: portsField,
    // Null peers are reported by peers.ts (an empty peer is rejected).
    from: field(list(peerType, 'a list of peers'), {
      severity: 'warning',
      effect: 'Kubernetes reads it as absent, so the rule matches ALL sources',
    }),
  },
};

/** networking/v1 NetworkPolicyEgressRule. */
export const egressRuleType: ObjectType = {
  kind: 'object',
  title: 'an egress rule',
  fields: {
    ports: portsField,
    to: field(list(peerType, 'a list of peers'), {
      severity: 'warning',
      effect: 'Kubernetes reads it as absent, so the rule matches ALL destinations',
    }),
  },
};

/** networking/v1 NetworkPolicySpec. */
export const specType: ObjectType = {
  kind: 'object',
  title: 'spec',
  fields: {
    // A struct, not a pointer: null leaves the zero LabelSelector, which matches everything.
    podSelector: field(labelSelectorType, {
      severity: 'warning',
      effect:
        'Kubernetes reads it as {} (an empty selector), so the policy selects every pod in its namespace',
    }),
    ingress: field(
      list(ingressRuleType, 'a list of ingress rules', {
        severity: 'warning',
        effect: 'Kubernetes reads it as an empty rule, which allows traffic from all sources on all ports',
      }),
      {
        severity: 'warning',
        effect: 'Kubernetes reads it as no ingress rules, so the policy allows no ingress',
      },
    ),
    egress: field(
      list(egressRuleType, 'a list of egress rules', {
        severity: 'warning',
        effect: 'Kubernetes reads it as an empty rule, which allows traffic to all destinations on all ports',
      }),
      {
        severity: 'warning',
        effect: 'Kubernetes reads it as no egress rules, so the policy allows no egress',
      },
    ),
    // Entries are checked by policy-types.ts (a null entry is the unsupported value "").
    policyTypes: field(list(string, 'a list of policy types'), {
      severity: 'warning',
      effect: 'Kubernetes reads it as absent and derives the policy types from the ingress and egress rules',
    }),
  },
};

/** metav1.OwnerReference. */
const ownerReferenceType: ObjectType = {
  kind: 'object',
  title: 'an owner reference',
  fields: {
    apiVersion: field(string),
    kind: field(string),
    name: field(string),
    uid: field(string),
    controller: field(boolean),
    blockOwnerDeletion: field(boolean),
  },
};

/** metav1.ManagedFieldsEntry. */
const managedFieldsEntryType: ObjectType = {
  kind: 'object',
  title: 'a managed fields entry',
  fields: {
    manager: field(string),
    operation: field(string),
    apiVersion: field(string),
    time: field(time),
    fieldsType: field(string),
    fieldsV1: field(any),
    subresource: field(string),
  },
};

/** metav1.ObjectMeta (clusterName was removed in Kubernetes 1.25). */
export const objectMetaType: ObjectType = {
  kind: 'object',
  title: 'metadata',
  fields: {
    name: field(string),
    generateName: field(string),
    namespace: field(string),
    selfLink: field(string),
    uid: field(string),
    resourceVersion: field(string),
    generation: field(integer),
    creationTimestamp: field(time),
    deletionTimestamp: field(time),
    deletionGracePeriodSeconds: field(integer),
    labels: field(stringMap('a map of label keys to string values')),
    annotations: field(stringMap('a map of annotation keys to string values')),
    ownerReferences: field(list(ownerReferenceType, 'a list of owner references')),
    finalizers: field(list(string, 'a list of finalizer names')),
    managedFields: field(list(managedFieldsEntryType, 'a list of managed fields entries')),
  },
};

/** networking/v1 NetworkPolicy (TypeMeta + ObjectMeta + spec). */
export const networkPolicyType: ObjectType = {
  kind: 'object',
  title: 'a NetworkPolicy',
  fields: {
    apiVersion: field(string),
    kind: field(string),
    // metadata null leaves an empty ObjectMeta: the missing name is reported by metadata.ts.
    metadata: field(objectMetaType),
    // A struct, not a pointer: null leaves the zero spec.
    spec: field(specType, {
      severity: 'warning',
      effect:
        'Kubernetes reads it as an empty spec: the policy selects every pod in its namespace and allows no ingress',
    }),
  },
};

/** The field `name` of an object type, if it has one (own properties only: `constructor` is not a field). */
export function fieldOf(type: ObjectType, name: string): Field | undefined {
  return Object.hasOwn(type.fields, name) ? type.fields[name] : undefined;
}

export function fieldNames(type: ObjectType): string[] {
  return Object.keys(type.fields);
}

/** The object type a field leads to: itself, or the item type of a list of objects. */
export function containerOf(type: FieldType): { object: ObjectType; viaList: boolean } | undefined {
  if (type.kind === 'object') return { object: type, viaList: false };
  if (type.kind === 'list' && type.items.kind === 'object') return { object: type.items, viaList: true };
  return undefined;
}
