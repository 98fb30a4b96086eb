/**
 * The explanation pane: why a pair is allowed or denied, side by side for egress (from the source)
 * and ingress (to the destination): isolated or not, the isolating policies and each matching rule
 * with its ports, each with a button that reveals its source. The server's plain-words text follows
 * in a `<pre>`, as text.
 */
import type { ExplainDecision, ExplainResult, ExplainSide, SourceLocation } from '../../shared/protocol.js';
import type { PortQuery } from '../../shared/webview-messages.js';
import { el, replace } from './dom.js';
import { portsText, queryText } from './ports.js';

export interface ExplainHandlers {
  reveal(location: SourceLocation): void;
  close(): void;
}

/** A button that reveals a location (none where the server knows no document for it). */
function revealButton(location: SourceLocation, what: string, handlers: ExplainHandlers): HTMLElement {
  if (!location.uri) return el('span', { class: 'location unknown' }, 'source unknown');
  const button = el(
    'button',
    {
      type: 'button',
      class: 'link reveal',
      title: `Open ${location.label}`,
      'aria-label': `Open ${what} at ${location.label}`,
    },
    location.label,
  );
  button.addEventListener('click', () => handlers.reveal(location));
  return button;
}

function sideSection(side: ExplainSide, subject: string, handlers: ExplainHandlers): HTMLElement {
  const title = side.direction === 'egress' ? `Egress from ${subject}` : `Ingress to ${subject}`;
  const verdict = side.allows ? 'allows' : 'denies';
  const section = el(
    'section',
    {
      class: `side side-${side.direction} ${side.allows ? 'side-allows' : 'side-denies'}`,
      'aria-label': title,
    },
    el('h3', {}, title),
    el(
      'p',
      { class: 'side-verdict' },
      el('span', { class: 'sym', 'aria-hidden': 'true' }, side.allows ? '✓' : '✕'),
      ` ${verdict}: ${side.ports}`,
    ),
  );
  if (side.decisions) {
    section.appendChild(decisionList(side, handlers));
    return section;
  }
  if (!side.isolated) {
    section.appendChild(
      el(
        'p',
        { class: 'isolation' },
        `Not isolated for ${side.direction}: no NetworkPolicy selects it with ${side.direction === 'egress' ? 'Egress' : 'Ingress'} in its policyTypes, so all ${side.direction} is allowed on this side.`,
      ),
    );
  } else {
    section.appendChild(el('p', { class: 'isolation' }, `Isolated for ${side.direction} by:`));
    section.appendChild(
      el(
        'ul',
        { class: 'policies' },
        ...side.policies.map((p) =>
          el(
            'li',
            {},
            el('span', { class: 'policy' }, p.name),
            ' ',
            revealButton(p.location, `policy ${p.name}`, handlers),
          ),
        ),
      ),
    );
    if (side.rules.length === 0) {
      section.appendChild(el('p', { class: 'rules-none' }, 'No rule of these policies matches this pair.'));
    } else {
      section.appendChild(el('p', { class: 'rules-title' }, 'Matching rules:'));
      section.appendChild(
        el(
          'ul',
          { class: 'rules' },
          ...side.rules.map((rule) => {
            const name = `${rule.policy} ${rule.direction}[${rule.index}]`;
            return el(
              'li',
              { class: rule.covers === false ? 'rule rule-misses' : 'rule' },
              el('span', { class: 'rule-name' }, name),
              ' ',
              el('span', { class: 'rule-ports' }, rule.ports),
              rule.covers === undefined
                ? null
                : el(
                    'span',
                    { class: 'covers' },
                    rule.covers ? ' ✓ covers the port' : ' ✕ does not cover the port',
                  ),
              ' ',
              revealButton(rule.location, `rule ${name}`, handlers),
            );
          }),
        ),
      );
    }
  }
  return section;
}

const actionText: Record<ExplainDecision['action'], string> = {
  allow: 'allows',
  deny: 'denies (a Deny rule)',
  pass: 'passes to the next layer',
  log: 'logs (decides nothing)',
  isolated: 'denies: isolated, and no rule of the layer allows it',
};

/**
 * Where policies of other APIs take part: the deciding rules in evaluation order, each with its layer and
 * action; a Deny rule reads differently from "isolated, nothing allows".
 */
function decisionList(side: ExplainSide, handlers: ExplainHandlers): HTMLElement {
  const decisions = side.decisions ?? [];
  if (decisions.length === 0)
    return el(
      'p',
      { class: 'isolation' },
      `No policy of any API decides this ${side.direction}, and none isolates it: allowed by default.`,
    );
  return el(
    'div',
    { class: 'decisions' },
    el('p', { class: 'rules-title' }, 'In evaluation order:'),
    el(
      'ol',
      { class: 'rules' },
      ...decisions.map((d) =>
        el(
          'li',
          {
            class: `rule decision decision-${d.action}${d.covers === false ? ' rule-misses' : ''}`,
          },
          el('span', { class: 'layer' }, `${d.layer}: `),
          el('span', { class: 'rule-name' }, d.rule),
          ' ',
          el('span', { class: 'action' }, actionText[d.action]),
          ' ',
          el('span', { class: 'rule-ports' }, d.ports),
          d.covers === undefined
            ? null
            : el('span', { class: 'covers' }, d.covers ? ' ✓ decides the port' : ' ✕ not the port'),
          ' ',
          revealButton(d.location, d.rule, handlers),
        ),
      ),
    ),
  );
}

export type ExplainView =
  | { readonly kind: 'empty' }
  | { readonly kind: 'loading'; readonly from: string; readonly to: string; readonly port?: PortQuery }
  | { readonly kind: 'error'; readonly from: string; readonly to: string; readonly message: string }
  | { readonly kind: 'result'; readonly result: ExplainResult; readonly port?: PortQuery };

/**
 * `observed`: the pair's observed traffic in words (model.ts trafficText), when flows are loaded; `since`:
 * what changed for it since the compared version (model.ts changeText).
 */
export function renderExplanation(
  pane: HTMLElement,
  view: ExplainView,
  observed: string | undefined,
  handlers: ExplainHandlers,
  since?: string,
): void {
  const heading = el('h2', { id: 'explain-title' }, 'Explanation');
  if (view.kind === 'empty') {
    replace(
      pane,
      heading,
      el(
        'p',
        { class: 'hint' },
        'Select a matrix cell or a graph edge (click, Enter or Space) to see why traffic is allowed or denied.',
      ),
    );
    return;
  }
  const close = el(
    'button',
    { type: 'button', class: 'small close', 'aria-label': 'Close the explanation' },
    'Close',
  );
  close.addEventListener('click', () => handlers.close());
  const header = el('div', { class: 'explain-header' }, heading, close);
  if (view.kind === 'loading') {
    replace(
      pane,
      header,
      el('p', { class: 'pair' }, `${view.from} → ${view.to}`),
      el('p', { class: 'loading' }, 'Explaining…'),
    );
    return;
  }
  if (view.kind === 'error') {
    replace(
      pane,
      header,
      el('p', { class: 'pair' }, `${view.from} → ${view.to}`),
      el('p', { class: 'error', role: 'alert' }, view.message),
    );
    return;
  }
  const r = view.result;
  const summary = view.port
    ? `${queryText(view.port)} ${r.allowed ? 'allowed' : 'denied'}`
    : r.allowed
      ? `allowed on ${portsText({ all: false, ports: r.ports })}`
      : 'denied';
  replace(
    pane,
    header,
    el('p', { class: 'pair' }, `${r.from} → ${r.to}`),
    el(
      'p',
      { class: `verdict ${r.allowed ? 'verdict-allowed' : 'verdict-denied'}` },
      el('span', { class: 'sym', 'aria-hidden': 'true' }, r.allowed ? '✓' : '✕'),
      ` ${summary}`,
    ),
    observed === undefined
      ? null
      : el('p', { class: 'observed' }, el('strong', {}, 'Observed traffic: '), observed),
    since === undefined ? null : el('p', { class: 'since' }, el('strong', {}, 'Change: '), since),
    el(
      'div',
      { class: 'sides' },
      sideSection(r.egress, r.from, handlers),
      sideSection(r.ingress, r.to, handlers),
    ),
    el('h3', {}, 'In plain words'),
    el('pre', { class: 'explain-text' }, r.text),
  );
}
