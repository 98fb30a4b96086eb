/**
 * DNS name syntax of object names and namespaces, as kubernetes/kubernetes
 * staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go defines it (IsDNS1123Label,
 * IsDNS1123Subdomain) and staging/src/k8s.io/apimachinery/pkg/api/validation/generic.go applies it
 * (NameIsDNSSubdomain, NameIsDNSLabel, with maskTrailingDash for generateName prefixes).
 * Lengths are Go len(): bytes of UTF-8.
 */
import { byteLength } from './report.js';

const dns1123LabelFormat = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123Label = new RegExp(`^${dns1123LabelFormat}$`);
const dns1123Subdomain = new RegExp(`^${dns1123LabelFormat}(\\.${dns1123LabelFormat})*$`);

export const dns1123LabelMaxLength = 63;
export const dns1123SubdomainMaxLength = 253;

/** IsDNS1123Label: lowercase alphanumerics and '-', alphanumeric at both ends, at most 63 characters. */
export function dns1123LabelProblems(value: string): string[] {
  const problems: string[] = [];
  const length = byteLength(value);
  if (length > dns1123LabelMaxLength) problems.push(`must be no more than 63 characters (it has ${length})`);
  if (!dns1123Label.test(value)) {
    problems.push(
      "must consist of lowercase letters, digits and '-', and must start and end with a letter or digit",
    );
  }
  return problems;
}

/** IsDNS1123Subdomain: dot-separated DNS labels, at most 253 characters. */
export function dns1123SubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  const length = byteLength(value);
  if (length > dns1123SubdomainMaxLength)
    problems.push(`must be no more than 253 characters (it has ${length})`);
  if (!dns1123Subdomain.test(value)) {
    problems.push(
      "must consist of lowercase letters, digits, '-' and '.', and must start and end with a letter or digit",
    );
  }
  return problems;
}

/**
 * NameIsDNSSubdomain(name, prefix). For a generateName prefix, Go's maskTrailingDash replaces the last
 * two characters of a name ending in '-' with "a" before checking, so that "web-" is accepted.
 */
export function objectNameProblems(name: string, prefix: boolean): string[] {
  const masked = prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
  return dns1123SubdomainProblems(masked);
}

/** NameIsDNSLabel, which ValidateNamespaceName is. */
export function namespaceNameProblems(name: string): string[] {
  return dns1123LabelProblems(name);
}
