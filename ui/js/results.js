// Result cards: name, organisation, categories, coverage, open now, referral route, review
// warning and why the service matched.
import { el, replace } from './dom.js';
import { REFERRAL, categoryLabel, matchedText, openTag, placeText, reviewTag } from './format.js';

export function renderResults(list, hits, { onOpen, inSlip, onToggleSlip, selectedId }) {
  const items = hits.map((hit, i) => {
    const open = el('button', {
      type: 'button',
      class: 'card-open',
      id: `result-${i}`,
      dataset: { index: String(i), id: hit.id },
      'aria-current': hit.id === selectedId ? 'true' : null,
      on: { click: () => onOpen(hit.id, i) },
    }, hit.name);
    const why = matchedText(hit);
    const coverage = hit.coverage.join(', ') || 'coverage not stated';
    const place = placeText(hit.place_match);
    const chosen = inSlip(hit.id);
    return el('li', { class: 'card' + (hit.id === selectedId ? ' selected' : '') },
      el('h3', { class: 'card-title' }, open),
      hit.organisation && hit.organisation !== hit.name ? el('p', { class: 'org', text: hit.organisation }) : null,
      el('p', { class: 'tags' },
        hit.categories.map((c) => el('span', { class: 'tag category', text: categoryLabel(c) }))),
      el('dl', { class: 'facts' },
        el('div', {}, el('dt', { text: 'Covers' }), el('dd', { text: place ? `${coverage} (${place})` : coverage })),
        el('div', {}, el('dt', { text: 'Open' }), el('dd', {}, openTag(hit.open, hit.open_text))),
        el('div', {}, el('dt', { text: 'Referral' }), el('dd', { text: hit.referral ? REFERRAL[hit.referral] : 'route not stated' })),
      ),
      el('p', { class: 'review' }, reviewTag(hit.review)),
      why ? el('p', { class: 'why' }, el('span', { class: 'why-label', text: 'Matched: ' }), why,
        hit.partial ? el('span', { class: 'tag partial', text: 'partial match' }) : null) : null,
      el('p', { class: 'card-actions' },
        el('button', {
          type: 'button',
          class: 'small',
          'aria-pressed': chosen ? 'true' : 'false',
          'aria-label': `${chosen ? 'On the slip' : 'Add to slip'}: ${hit.name}`,
          on: { click: () => onToggleSlip(hit.id) },
        }, chosen ? '✓ On the slip' : 'Add to slip')),
    );
  });
  replace(list, items);
}

// Arrow keys move through the result titles; returns true when it handled the key.
export function moveFocus(list, key) {
  const buttons = [...list.querySelectorAll('.card-open')];
  if (!buttons.length) return false;
  const at = buttons.indexOf(document.activeElement);
  let next;
  if (key === 'ArrowDown') next = at < 0 ? 0 : Math.min(at + 1, buttons.length - 1);
  else if (key === 'ArrowUp') next = at <= 0 ? -1 : at - 1;
  else if (key === 'Home') next = 0;
  else if (key === 'End') next = buttons.length - 1;
  else return false;
  if (next < 0) return false;
  buttons[next].focus();
  buttons[next].scrollIntoView({ block: 'nearest' });
  return true;
}
