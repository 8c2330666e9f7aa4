// The coverage map: London's boroughs shaded by how many local services each has for the
// chosen type of help, the number written in each, a legend, and the same figures as a
// table of buttons (the keyboard and screen reader route). Choosing a borough opens its
// borough view. Drawn offline from the bundled outlines; nothing is fetched.
import { el, replace, svg } from './dom.js';
import { outlines } from './map.js';

// Shading steps: none, 1, 2, 3, 4 or more local services.
const LEVELS = ['0', '1', '2', '3', '4 or more'];
const level = (n) => Math.min(n, LEVELS.length - 1);

export function renderCoverage(container, matrix, category, onChoose) {
  const column = category ? matrix.categories.indexOf(category) : -1;
  const count = (b) => (column >= 0 ? b.by_category[column] : b.local);
  const what = column >= 0 ? `local ${matrix.in_sentence[column]} services` : 'local services';
  const byCode = new Map(matrix.boroughs.map((b) => [b.gss_code, b]));
  const map = outlines();
  const none = matrix.boroughs.filter((b) => count(b) === 0).length;
  const said = none
    ? `${none} of ${matrix.boroughs.length} boroughs have no ${what} on record.`
    : `Every borough has ${what} on record.`;

  const figure = svg('svg', {
    viewBox: map.view_box, class: 'coverage-map', role: 'img',
    'aria-label': `Map of London's boroughs shaded by the number of ${what}. ${said} The table beside it gives each borough's number.`,
  });
  for (const o of map.boroughs) {
    const b = byCode.get(o.gss_code);
    const n = b ? count(b) : 0;
    const shape = svg('path', { d: o.path, class: `borough level-${level(n)}`, 'data-gss': o.gss_code });
    shape.addEventListener('click', () => onChoose(o.gss_code));
    const label = svg('text', {
      x: o.label_x, y: o.label_y, class: `count-label level-${level(n)}`, 'text-anchor': 'middle', 'data-gss': o.gss_code,
      'dominant-baseline': 'central', 'aria-hidden': 'true',
    });
    label.textContent = String(n);
    label.addEventListener('click', () => onChoose(o.gss_code));
    const name = svg('title');
    name.textContent = `${o.name}: ${n} ${what}`;
    shape.append(name);
    figure.append(shape, label);
  }

  const legend = el('div', { class: 'legend' },
    el('p', { class: 'legend-caption', id: 'coverage-key', text: `Key: number of ${what}` }),
    el('ul', { 'aria-labelledby': 'coverage-key' },
      LEVELS.map((text, i) => el('li', {}, el('span', { class: `swatch level-${i}`, 'aria-hidden': 'true' }), text))));

  const rows = matrix.boroughs.map((b) => el('tr', { dataset: { gss: b.gss_code } },
    el('th', { scope: 'row' }, el('button', {
      type: 'button', class: 'link-button borough-choice', dataset: { gss: b.gss_code },
      on: { click: () => onChoose(b.gss_code) },
    }, b.name)),
    el('td', { class: count(b) ? 'num' : 'num none', text: String(count(b)) })));
  const table = el('table', { class: 'coverage-table' },
    el('caption', { text: `${what[0].toUpperCase()}${what.slice(1)} by borough. ${said}` }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Borough' }), el('th', { scope: 'col', text: 'Local services' }))),
    el('tbody', {}, rows));

  replace(container,
    el('div', { class: 'coverage-layout' },
      el('figure', { class: 'coverage-figure' }, figure, legend),
      el('div', { class: 'coverage-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Local services by borough (table)' }, table)));
}
