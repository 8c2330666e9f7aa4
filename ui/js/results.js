// Result cards: name, organisation, categories, coverage, open now, referral route, review
// warning and why the service matched.
import { el } from './dom.js';
import { REFERRAL, categoryLabel, matchedText, openTag, placeText, reviewTag } from './format.js';

// Cards already on screen are kept when their facts are unchanged, and only their "Matched"
// line is redrawn: as a word is typed the same services keep coming back, and untouched
// nodes cost no style or layout work.
const drawn = new WeakMap(); // card node -> { card: key of its facts, why: key of its Matched line }

const factsKey = (hit, i, options) => JSON.stringify([
  i, hit.id === options.selectedId, options.inSlip(hit.id),
  { ...hit, matched: undefined, partial: undefined, score: undefined },
]);
const whyKey = (hit) => JSON.stringify([hit.matched, hit.partial]);

export function renderResults(list, hits, options) {
  const children = list.children;
  hits.forEach((hit, i) => {
    const keys = { card: factsKey(hit, i, options), why: whyKey(hit) };
    const current = children[i];
    const was = current && drawn.get(current);
    if (was && was.card === keys.card) {
      if (was.why !== keys.why) {
        current.querySelector('.why-slot').replaceChildren(...whyLine(hit));
        was.why = keys.why;
      }
      return;
    }
    const card = drawCard(hit, i, options);
    drawn.set(card, keys);
    if (current) current.replaceWith(card); else list.append(card);
  });
  while (children.length > hits.length) list.lastElementChild.remove();
}

function whyLine(hit) {
  const why = matchedText(hit);
  return why ? [el('p', { class: 'why' }, el('span', { class: 'why-label', text: 'Matched: ' }), why,
    hit.partial ? el('span', { class: 'tag partial', text: 'partial match' }) : null)] : [];
}

// One service's card; `idPrefix` keeps ids unique when several lists are on screen.
export function drawCard(hit, i, { onOpen, inSlip, onToggleSlip, selectedId, idPrefix = 'result' }) {
  const open = el('button', {
    type: 'button',
    class: 'card-open',
    id: `${idPrefix}-${i}`,
    dataset: { index: String(i), id: hit.id },
    'aria-current': hit.id === selectedId ? 'true' : null,
    on: { click: () => onOpen(hit.id, i) },
  }, hit.name);
  const coverage = hit.coverage.join(', ') || 'coverage not stated';
  // "Hackney (works in this borough)" adds something; "London-wide (London-wide)" does not.
  const place = ['local', 'elsewhere'].includes(hit.place_match) ? placeText(hit.place_match) : '';
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
    // A warning only where it tells something: the record's date is known and over a year
    // old. "No review date" and "over 6 months" are said in Details, not on every card.
    hit.review.state === 'red' ? el('p', { class: 'review' }, reviewTag(hit.review)) : null,
    el('div', { class: 'why-slot' }, whyLine(hit)),
    el('p', { class: 'card-actions' },
      el('button', {
        type: 'button',
        class: 'small',
        'aria-pressed': chosen ? 'true' : 'false',
        'aria-label': `${chosen ? 'On the slip' : 'Add to slip'}: ${hit.name}`,
        on: { click: () => onToggleSlip(hit.id) },
      }, chosen ? '✓ On the slip' : 'Add to slip')),
  );
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
