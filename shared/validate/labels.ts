/**
 * Label key and value syntax, as kubernetes/kubernetes
 * staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go defines it:
 * - IsQualifiedName (label keys, selector keys, annotation keys lower-cased): an optional DNS-subdomain
 *   prefix and '/', then a name of at most 63 characters of alphanumerics, '-', '_' and '.', starting and
 *   ending with an alphanumeric;
 * - IsValidLabelValue: empty, or at most 63 characters of the same alphabet with alphanumeric ends.
 * Lengths are Go len(): bytes of UTF-8.
 */
import { dns1123SubdomainProblems } from './dns-names.js';
import { byteLength } from './report.js';

const qualifiedNameFormat = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedName = new RegExp(`^${qualifiedNameFormat}$`);
const labelValue = new RegExp(`^(${qualifiedNameFormat})?$`);
const alphabet =
  "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

export const qualifiedNameMaxLength = 63;
export const labelValueMaxLength = 63;

/** The problems of a label key (IsQualifiedName); empty when valid. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  const problems: string[] = [];
  if (parts.length > 2) {
    return [
      `may contain at most one '/' (an optional DNS subdomain prefix, then the name, e.g. example.com/my-name)`,
    ];
  }
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') problems.push('the prefix before the / must not be empty');
    else for (const p of dns1123SubdomainProblems(prefix)) problems.push(`the prefix ${p}`);
  }
  const length = byteLength(name);
  if (length === 0) problems.push('the name part must not be empty');
  else {
    if (length > qualifiedNameMaxLength)
      problems.push(`the name part must be no more than 63 characters (it has ${length})`);
    if (!qualifiedName.test(name)) problems.push(`the name part must consist of ${alphabet}`);
  }
  return problems;
}

/** The problems of a label value (IsValidLabelValue); empty when valid. */
export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  const length = byteLength(value);
  if (length > labelValueMaxLength) problems.push(`must be no more than 63 characters (it has ${length})`);
  if (!labelValue.test(value)) problems.push(`must be empty or consist of ${alphabet}`);
  return problems;
}
