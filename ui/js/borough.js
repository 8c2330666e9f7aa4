// The borough view: a borough's own services grouped by type of help, then each type of
// help with no local service on record, said plainly, with the London-wide and national
// services that cover it. The view and its gap sentences come from the engine (`borough`).
import { el, replace } from './dom.js';
import { drawCard } from './results.js';

export function renderBoroughView(container, view, options) {
  let n = 0;
  const cards = (hits) => el('ol', { class: 'result-list' },
    hits.map((hit) => drawCard(hit, n++, { ...options, idPrefix: 'borough' })));
  const groups = view.groups.map((g) => el('section', {
    class: 'help-group', 'aria-labelledby': `bv-${g.category}`, dataset: { category: g.category },
  },
  el('h4', { id: `bv-${g.category}`, class: 'group-heading', text: `${g.label} (${g.local.length})` }),
  cards(g.local)));
  const gaps = view.gaps.map((g) => el('section', {
    class: 'help-group gap', 'aria-labelledby': `bv-${g.category}`, dataset: { category: g.category },
  },
  el('h4', { id: `bv-${g.category}`, class: 'group-heading', text: g.label }),
  el('p', { class: 'gap-text' }, el('strong', { text: g.gap_text }),
    g.wider.length ? ' — London-wide and national services that cover it:' : '. No London-wide or national service for it is on record either.'),
  g.wider.length ? cards(g.wider) : null,
  g.wider_total > g.wider.length
    ? el('p', { class: 'hint', text: `${g.wider_total - g.wider.length} more London-wide or national services: choose “${g.label}” in Type of help.` })
    : null));
  replace(container,
    el('h3', { id: 'borough-heading', class: 'borough-heading', text: view.heading }),
    el('p', { class: 'hint', text: view.local
      ? 'Grouped by type of help. Types of help with no local service follow, with services that cover all of London or the country.'
      : 'No local service on record. Services that cover all of London or the country follow.' }),
    groups,
    gaps.length ? el('h3', { class: 'borough-heading', text: `No local service on record in ${view.name}` }) : null,
    gaps);
}
