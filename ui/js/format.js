// Small pieces of markup shared by the result cards, the detail pane and the shortlist. The
// words themselves come from the engine (its `present` module), never written here.
import { el } from './dom.js';

let categoryLabels = new Map();
export function setCategories(list) {
  categoryLabels = new Map(list.map((c) => [c.id, c.label]));
}
export const categoryLabel = (id) => categoryLabels.get(id) || id;

// The engine's words start lower case, to sit inside sentences; a label starts a line.
export function capitalise(t) { return t.charAt(0).toUpperCase() + t.slice(1); }

export function openTag(open, text) {
  const state = open && open.state ? open.state : 'unknown';
  return el('span', { class: `tag open-${state}`, text });
}

export function reviewTag(review) {
  return el('span', { class: `tag review-${review.state}`, text: review.text });
}
