// Result cards, compact so that five or more fit on a laptop screen: name and organisation,
// open now, who can refer, where it works in one phrase, and the main number with Call and
// Copy. What matched and the review line are in Details.
import { el } from './dom.js';
import { dialControls } from './dial.js';
import { capitalise, openTag } from './format.js';

// On the card: can the person refer themselves?

// Cards already on screen are kept when their facts are unchanged: as a word is typed the
// same services keep coming back, and untouched nodes cost no style or layout work.
const drawn = new WeakMap(); // card node -> key of what it shows

const cardKey = (hit, i, options) => JSON.stringify([
  i, hit.id === options.selectedId, options.inSlip(hit.id),
  { ...hit, matched: undefined, score: undefined },
]);

export function renderResults(list, hits, options) {
  const children = list.children;
  hits.forEach((hit, i) => {
    const key = cardKey(hit, i, options);
    const current = children[i];
    if (current && drawn.get(current) === key) return;
    const card = drawCard(hit, i, options);
    drawn.set(card, key);
    if (current) current.replaceWith(card); else list.append(card);
  });
  while (children.length > hits.length) list.lastElementChild.remove();
}

// One service's card; `idPrefix` keeps ids unique when several lists are on screen.
export function drawCard(hit, i, { onOpen, inSlip, onToggleSlip, onLink, onCopy, selectedId, idPrefix = 'result' }) {
  const open = el('button', {
    type: 'button',
    class: 'card-open',
    id: `${idPrefix}-${i}`,
    dataset: { index: String(i), id: hit.id },
    'aria-current': hit.id === selectedId ? 'true' : null,
    on: { click: (e) => onOpen(hit.id, e) },
  }, hit.name);
  const chosen = inSlip(hit.id);
  const dial = hit.phone && dialControls(hit.phone, { onLink, onCopy, name: hit.name });
  const others = hit.phones - 1;
  return el('li', { class: 'card' + (hit.id === selectedId ? ' selected' : '') },
    el('div', { class: 'card-head' },
      el('h3', { class: 'card-title' }, open),
      hit.organisation && hit.organisation !== hit.name ? el('span', { class: 'org', text: hit.organisation }) : null),
    el('p', { class: 'card-facts' },
      openTag(hit.open, hit.open_text),
      el('span', { class: `tag referral-${hit.referral || 'unknown'}`, text: hit.referral_text ? capitalise(hit.referral_text) : 'referral route not stated' }),
      el('span', { class: 'covers', text: hit.covers }),
      hit.partial ? el('span', { class: 'tag partial', text: 'partial match' }) : null,
      // A warning only where it tells something: the record's date is known and over a
      // year old. "No review date" is said in Details, not on every card.
      hit.review.state === 'red' ? el('span', { class: 'tag review-red', title: hit.review.text, text: hit.review.short }) : null,
      // Someone who remembers the old number learns why this one differs.
      hit.phone_changed ? el('span', { class: 'tag phone-changed', text: hit.phone_changed }) : null),
    el('div', { class: 'card-phone' },
      hit.phone
        ? [el('span', { class: 'number', text: hit.phone.number }),
          hit.phone.note ? el('span', { class: 'phone-note', text: `(${hit.phone.note})` }) : null,
          ...dial.buttons,
          others > 0 ? el('span', { class: 'more-numbers', text: `+${others} more` }) : null]
        : el('span', { class: 'no-number', text: 'No phone number on record' }),
      el('button', {
        type: 'button',
        class: 'small slip-toggle',
        'aria-pressed': chosen ? 'true' : 'false',
        'aria-label': `${chosen ? 'On the slip' : 'Add to slip'}: ${hit.name}`,
        on: { click: () => onToggleSlip(hit.id) },
      }, chosen ? '✓ On the slip' : 'Add to slip'),
      dial ? dial.note : null),
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
