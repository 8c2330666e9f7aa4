// The window's layout: one column below 900 px (and so at 200% zoom on a laptop), with the
// results first, the details after them and the filters last, collapsed; page zoom from the
// keyboard (Ctrl+=, Ctrl+-, Ctrl+0), kept between sessions; and the heights of the sticky
// banner and footer, which the page's scroll padding and sticky panels are sized from, so
// that nothing with focus is ever hidden under them.
import { call } from './api.js';
import { $ } from './dom.js';

// 56.25rem is 900 px at 100%: media queries in rem follow the zoom level.
const narrow = window.matchMedia('(max-width: 56.25rem)');

export const isNarrow = () => narrow.matches;

// Document order is reading and Tab order: in one column the filters move after the
// results and details rather than being shown out of order.
function arrange() {
  const main = $('main');
  const filters = main.querySelector('.filters');
  const focused = document.activeElement;
  if (narrow.matches) main.append(filters);
  else main.insertBefore(filters, main.querySelector('.results'));
  $('filters-box').open = !narrow.matches;
  $('back-to-results').hidden = !narrow.matches;
  if (focused && filters.contains(focused) && document.activeElement !== focused) focused.focus();
}

function measureBars() {
  const root = document.documentElement.style;
  root.setProperty('--banner-height', `${$('app').querySelector('.banner').offsetHeight}px`);
  const footer = $('app').querySelector('.status');
  const sticky = getComputedStyle(footer).position === 'sticky';
  root.setProperty('--footer-height', `${sticky ? footer.offsetHeight : 0}px`);
}

// ---------- zoom ----------

// `step`: 1 in, -1 out, 0 back to 100%; none applies the level kept from last time.
async function zoom(step, onError) {
  try {
    const level = await call('zoom', { step });
    document.body.dataset.zoom = String(level);
  } catch (e) { onError(e); }
}

// Key presses are applied one after another: each steps from the level the last one set.
let zooming = Promise.resolve();

function zoomKey(e, onError) {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
  const step = { '=': 1, '+': 1, '-': -1, _: -1, 0: 0 }[e.key];
  if (step === undefined) return;
  e.preventDefault();
  zooming = zooming.then(() => zoom(step, onError));
}

export function setUpLayout({ onError }) {
  narrow.addEventListener('change', arrange);
  arrange();
  const bars = new ResizeObserver(measureBars);
  bars.observe($('app').querySelector('.banner'));
  bars.observe($('app').querySelector('.status'));
  narrow.addEventListener('change', measureBars);
  measureBars();
  document.addEventListener('keydown', (e) => zoomKey(e, onError));
}

// The zoom chosen last time (`percent` from the settings), applied at start; nothing to
// do at 100%.
export async function restoreZoom(percent, onError) {
  if (percent && percent !== 100) await zoom(null, onError);
}
