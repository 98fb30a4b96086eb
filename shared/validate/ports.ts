/**
 * NetworkPolicyPort validation, following ValidateNetworkPolicyPort in kubernetes/kubernetes
 * pkg/apis/networking/validation/validation.go:
 * - a protocol that is set (not null: null is nil, defaulted to TCP) must be exactly TCP, UDP or SCTP
 *   (field.NotSupported, a case-sensitive comparison; "" is set and unsupported);
 * - an int port must pass IsValidPortNum (1-65535); with it, endPort must be >= port and pass
 *   IsValidPortNum too;
 * - a string port (any JSON string, so also "80": intstr.IntOrString.UnmarshalJSON makes every quoted
 *   value the string form) must pass IsValidPortName, and endPort "may not be specified when `port` is
 *   non-numeric";
 * - without port, endPort "may not be specified when `port` is not specified".
 * IsValidPortNum / IsValidPortName: staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go
 * (IANA_SVC_NAME, RFC 6335: at most 15 characters of [-a-z0-9], at least one letter, no '-' at either end,
 * no "--").
 */
import { isMap, isScalar } from '../parse/snode.js';
import { childAt, integerOf, isNullNode, quote, stringOf, valueSpan } from './report.js';
import type { At, Reporter } from './report.js';

const protocols = ['TCP', 'UDP', 'SCTP'] as const;

/** IsValidPortNum. */
export function isValidPortNumber(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** IsValidPortName's problems; empty when the name is valid. */
export function portNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length > 15) problems.push(`must be no more than 15 characters (it has ${name.length})`);
  if (!/^[-a-z0-9]+$/.test(name)) problems.push("must contain only lowercase letters, digits and '-'");
  if (!/[a-z]/.test(name)) problems.push('must contain at least one letter (a-z)');
  if (name.includes('--')) problems.push('must not contain two hyphens in a row');
  if (name.startsWith('-') || name.endsWith('-')) problems.push('must not begin or end with a hyphen');
  return problems;
}

export function validatePort(r: Reporter, entry: At): void {
  if (!isMap(entry.node)) return;
  checkProtocol(r, childAt(entry, 'protocol'));

  const portAt = childAt(entry, 'port');
  const endPortAt = childAt(entry, 'endPort');
  const endPort = endPortAt ? integerOf(endPortAt.node) : undefined;
  const portNode = portAt && !isNullNode(portAt.node) ? portAt.node : undefined;

  if (portAt && portNode && isScalar(portNode) && typeof portNode.value === 'number') {
    const port = portNode.value;
    if (!Number.isInteger(port)) return; // not an int32: reported by the structure check
    if (!isValidPortNumber(port)) {
      r.error(
        'api-invalid-port',
        valueSpan(r.file, portAt),
        `Port ${port} is out of range: it must be between 1 and 65535.`,
        {
          path: portAt.path,
        },
      );
    }
    if (endPortAt && endPort !== undefined) {
      if (endPort < port) {
        r.error(
          'api-invalid-end-port',
          valueSpan(r.file, endPortAt),
          `endPort ${endPort} is less than port ${port}; endPort must be greater than or equal to port.`,
          { path: endPortAt.path },
        );
      }
      if (!isValidPortNumber(endPort)) {
        r.error(
          'api-invalid-end-port',
          valueSpan(r.file, endPortAt),
          `endPort ${endPort} is out of range: it must be between 1 and 65535.`,
          { path: endPortAt.path },
        );
      }
    }
    return;
  }

  const name = portNode ? stringOf(portNode) : undefined;
  if (portAt && name !== undefined) {
    if (endPortAt && endPort !== undefined) {
      r.error(
        'api-invalid-end-port',
        valueSpan(r.file, endPortAt),
        `endPort may not be used with a named port (${quote(name)}); a port range needs a numeric port.`,
        { path: endPortAt.path },
      );
    }
    const problems = portNameProblems(name);
    if (problems.length > 0) {
      const numeric = /^[0-9]+$/.test(name);
      const message = numeric
        ? `Port ${quote(name)} is a string, so Kubernetes reads it as a port name, and a port name must contain at least one letter. Write port: ${Number(name)} without quotes for the port number.`
        : `Port name ${quote(name)} is invalid: it ${problems.join(', and ')}.`;
      r.error('api-invalid-port', valueSpan(r.file, portAt), message, {
        path: portAt.path,
        ...(numeric ? { number: Number(name) } : {}),
      });
    }
    return;
  }

  if (!portNode && endPortAt && endPort !== undefined) {
    const because = portAt
      ? `port ${isNullNode(portAt.node) && portAt.node.implicit ? 'has no value' : 'is null'}`
      : 'there is no port';
    r.error(
      'api-invalid-end-port',
      valueSpan(r.file, endPortAt),
      `endPort may not be specified without port (${because}); set port to the start of the range.`,
      { path: endPortAt.path },
    );
  }
}

function checkProtocol(r: Reporter, at: At | undefined): void {
  if (!at) return;
  const protocol = stringOf(at.node);
  if (protocol === undefined || (protocols as readonly string[]).includes(protocol)) return;
  const match = protocols.find((p) => p === protocol.trim().toUpperCase());
  const hint = match ? ` Protocols are case-sensitive: write ${match}.` : '';
  r.error(
    'api-invalid-protocol',
    valueSpan(r.file, at),
    `Protocol ${quote(protocol)} is not supported: use TCP, UDP or SCTP.${hint}`,
    { path: at.path, ...(match ? { suggestion: match } : {}) },
  );
}
