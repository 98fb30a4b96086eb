/** The kinds of flags the dry run raises on observed connections (flows/verify.ts `flagsOf`). */
export const flagKinds = [
  'metadata-endpoint',
  'kube-system',
  'undeclared-port',
  'skips-a-tier',
  'external-unexposed',
  'intent-violation',
] as const;

export type FlagKind = (typeof flagKinds)[number];
