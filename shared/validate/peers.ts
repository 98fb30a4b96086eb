/**
 * NetworkPolicyPeer validation, following ValidateNetworkPolicyPeer in kubernetes/kubernetes
 * pkg/apis/networking/validation/validation.go: each of podSelector, namespaceSelector and ipBlock is a
 * pointer that counts when non-nil; none is "must specify a peer", ipBlock with any other is "may not
 * specify both ipBlock and another peer". The selectors go through ValidateLabelSelector (selectors.ts),
 * the ipBlock through ValidateIPBlock (ip-block.ts).
 *
 * A null decodes as a nil pointer, i.e. as if the field were absent, which is rarely what was meant:
 * `namespaceSelector:` with nothing after it does not mean "all namespaces" (that is `{}`) but "the
 * policy's own namespace"; a peer whose only selector is null is empty and rejected.
 */
import { isMap } from '../parse/snode.js';
import type { SScalar } from '../parse/snode.js';
import { validateIpBlock } from './ip-block.js';
import { anchorOf, childAt, isNullNode, keySpan, keyText, nullPhrase, valueSpan } from './report.js';
import type { At, Reporter } from './report.js';
import { fieldOf, peerType } from './schema.js';
import { validateSelector } from './selectors.js';

const peerFields = ['podSelector', 'namespaceSelector', 'ipBlock'] as const;
type PeerField = (typeof peerFields)[number];

export function validatePeer(r: Reporter, peer: At): void {
  if (isNullNode(peer.node)) {
    r.error(
      'api-empty-peer',
      valueSpan(r.file, peer),
      `The entry ${peer.path} ${nullPhrase(peer.node)}; Kubernetes reads it as an empty peer, which it rejects: a peer needs podSelector, namespaceSelector or ipBlock.`,
      { path: peer.path },
    );
    return;
  }
  if (!isMap(peer.node)) return;

  const fields = new Map<PeerField, At>();
  for (const name of peerFields) {
    const at = childAt(peer, name);
    if (at) fields.set(name, at);
  }
  const present = [...fields].filter(([, at]) => !isNullNode(at.node));
  const nulls = [...fields].filter(([, at]) => isNullNode(at.node));
  const hasUnknown = peer.node.pairs.some((p) => {
    const name = keyText(p.key);
    return name === undefined || !fieldOf(peerType, name);
  });

  if (present.length === 0) {
    if (nulls.length > 0) {
      const [name, at] = nulls[0]!;
      const others = nulls.slice(1).map(([n]) => `\`${n}\``);
      const also = others.length > 0 ? ` (as is ${others.join(' and ')})` : '';
      const fix =
        name === 'ipBlock'
          ? 'An ipBlock needs a cidr.'
          : `Write \`${name}: {}\` to match everything it can select.`;
      r.error(
        'api-invalid-type',
        keySpan(r.file, at),
        `\`${name}\` ${nullPhrase(at.node as SScalar)}${also}; Kubernetes reads a null as absent, so this peer has no podSelector, namespaceSelector or ipBlock, and the API rejects an empty peer. ${fix}`,
        { path: at.path, null: true },
      );
    } else if (!hasUnknown) {
      r.error(
        'api-empty-peer',
        anchorOf(r.file, peer),
        `The peer ${peer.path} is empty; the API requires podSelector, namespaceSelector or ipBlock. (\`namespaceSelector: {}\` selects all pods in all namespaces; leaving out the whole list allows all sources or destinations.)`,
        { path: peer.path },
      );
    }
    return;
  }

  const has = (name: PeerField): boolean => present.some(([n]) => n === name);
  for (const [name, at] of nulls) {
    r.warning('api-invalid-type', keySpan(r.file, at), nullInPeer(name, at.node as SScalar, has), {
      path: at.path,
      null: true,
    });
  }

  const ipBlock = fields.get('ipBlock');
  if (ipBlock && isMap(ipBlock.node)) {
    const selectors = present.filter(([n]) => n !== 'ipBlock');
    if (selectors.length > 0) {
      r.report(
        'api-ipblock-with-selector',
        'error',
        keySpan(r.file, ipBlock),
        `A peer may not combine ipBlock with ${selectors.map(([n]) => n).join(' or ')}; put the ipBlock in a peer of its own (a separate "- ipBlock:" entry).`,
        { path: peer.path },
        selectors.map(([n, at]) => ({
          file: r.file,
          span: keySpan(r.file, at),
          message: `${n} in the same peer`,
        })),
      );
    }
    validateIpBlock(r, ipBlock);
  }
  for (const name of ['podSelector', 'namespaceSelector'] as const) {
    const at = fields.get(name);
    if (at && isMap(at.node)) validateSelector(r, at);
  }
}

function nullInPeer(name: PeerField, node: SScalar, has: (name: PeerField) => boolean): string {
  const start = `\`${name}\` ${nullPhrase(node)}; Kubernetes reads it as absent`;
  if (name === 'namespaceSelector' && has('podSelector')) {
    return `${start}, not as {}: the peer selects matching pods only in the policy's own namespace. Write \`namespaceSelector: {}\` to select them in all namespaces.`;
  }
  if (name === 'podSelector' && has('namespaceSelector')) {
    return `${start}, so the peer selects all pods in the namespaces that namespaceSelector matches.`;
  }
  if (has('ipBlock') && name !== 'ipBlock') return `${start}, so this peer is only its ipBlock.`;
  return `${start}, so this peer is only its ${has('podSelector') ? 'podSelector' : 'namespaceSelector'}.`;
}
