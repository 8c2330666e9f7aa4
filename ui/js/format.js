// Small pieces of wording shared by the result cards, the detail pane and the shortlist.
import { el } from './dom.js';

let categoryLabels = new Map();
export function setCategories(list) {
  categoryLabels = new Map(list.map((c) => [c.id, c.label]));
}
export const categoryLabel = (id) => categoryLabels.get(id) || id;

export function openTag(open, text) {
  const state = open && open.state ? open.state : 'unknown';
  return el('span', { class: `tag open-${state}`, text });
}

export function reviewTag(review) {
  return el('span', { class: `tag review-${review.state}`, text: review.text });
}


export function matchedText(hit) {
  const parts = hit.matched.map((m) => {
    switch (m.how) {
      case 'concept': return `${m.query} → ${m.matched.replaceAll('-', ' ')}`;
      // Not a word match: what was said meant the same as a sign of this need.
      case 'meaning': return `about: “${m.query}” → ${m.matched.replaceAll('-', ' ')} (by meaning)`;
      case 'typo': return `${m.query} ≈ ${m.matched} (approximate)`;
      case 'prefix': return `${m.query}… → ${m.matched}`;
      case 'stem': return `${m.query} → ${m.matched}`;
      default: return m.query;
    }
  });
  return parts.join(', ');
}
