// Signpost's window: search as you type, filters, detail, slip, shortlist, About.
// Nothing typed here is stored or sent anywhere; the shortlist and one setting (a home
// borough) are kept by the app on this computer.
import { call } from './api.js';
import { $, el, replace } from './dom.js';
import { setCategories } from './format.js';
import { renderBoroughView } from './borough.js';
import { renderCoverage } from './coverage.js';
import { setMap } from './map.js';
import { moveFocus, renderResults } from './results.js';
import { renderDetail } from './detail.js';
import { isNarrow, restoreZoom, setUpLayout } from './layout.js';
import { setUpQuickHide } from './safety.js';
import { loadSettings, refreshStatus, saveSettings, setUpUpdates } from './updates.js';

const state = {
  issued: 0,      // sequence number of the latest search sent
  rendered: 0,    // sequence number of the search on screen; older answers are dropped
  hits: [],
  selected: null, // id of the service in the detail pane
  detail: null,
  why: null,      // the Matched and Listed lines in Details, as drawn
  slip: [],       // ids chosen for the slip, this session only
  shortlist: [],  // [{id, name, organisation}]
  borough: null,  // the borough view on screen, if any
  postcode: null, // the last postcode typed that reads as one (in force while typing on)
  badPostcode: null, postcodeError: null, // a postcode the directory does not know, and why
  focusBorough: false, // move focus to the borough view once drawn (chosen on the map)
  coverage: null, // the coverage matrix, while the map is open
  setAside: { text: null, keys: [] }, // parts of what was understood removed, for these words
  focusUnderstood: 0, // the search run by removing a part from the keyboard: focus stays in the line
  shownText: null, // the words whose results are on screen
};

const q = $('q');
const list = $('results');
const summary = $('summary');
const boroughView = $('borough-view');

// ---------- errors ----------

function showError(e) {
  $('error-message').textContent = e.message || String(e);
  $('error-summary').hidden = false;
}
function clearError() {
  if (!$('error-summary').hidden) $('error-summary').hidden = true;
}

// ---------- search ----------

function clearFilters() {
  for (const id of ['f-category', 'f-borough', 'f-referral', 'f-postcode', 'f-age']) $(id).value = '';
  $('f-open').checked = false;
  setFieldError('f-age', null);
  setFieldError('f-postcode', null);
  state.postcode = null;
  state.badPostcode = null;
}

function age() {
  const raw = $('f-age').value.trim();
  if (raw === '') return { value: null };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 120) return { error: 'Enter an age as a whole number from 0 to 120.' };
  return { value: n };
}

// A full postcode or a district, as typed ("E8 1AA", "e81aa", "SE10").
const POSTCODE = /^[A-Z]{1,2}[0-9][0-9A-Z]?(\s*[0-9][A-Z]{2})?$/i;

// The postcode filter applies as you type once it reads as a postcode or district; while
// half-typed, the last one that did stays in force. `strict` (Enter, leaving the field) sends
// any other value as a place name; one the engine does not know is an inline error.
function postcode(strict) {
  const v = $('f-postcode').value.trim();
  if (!v) {
    state.postcode = null;
    state.badPostcode = null;
    return { value: null };
  }
  if (v === state.badPostcode) return { value: null, error: state.postcodeError };
  if (POSTCODE.test(v)) {
    state.postcode = v;
    return { value: v };
  }
  if (strict) {
    // Not shaped like a postcode: a place people name ("Peckham"), which the engine reads,
    // or refuses in its own words beside the field.
    state.postcode = v;
    return { value: v };
  }
  return { value: state.postcode };
}

function request(strict = false) {
  const a = age();
  setFieldError('f-age', a.error);
  const p = postcode(strict);
  setFieldError('f-postcode', p.error || null);
  return {
    text: q.value,
    borough: $('f-borough').value || null,
    postcode: p.value,
    categories: $('f-category').value ? [$('f-category').value] : [],
    open_now: $('f-open').checked,
    referral: $('f-referral').value || null,
    age: a.error ? null : a.value,
    limit: 25,
    set_aside: setAsideFor(q.value),
  };
}

// The parts removed hold for the words they were removed from; new words start afresh.
function setAsideFor(text) {
  if (state.setAside.text !== text) state.setAside = { text: null, keys: [] };
  return [...state.setAside.keys];
}

function isEmpty(r) {
  return !r.text.trim() && !r.borough && !r.postcode && !r.categories.length && !r.open_now && !r.referral && r.age === null;
}

function setFieldError(id, message) {
  const input = $(id);
  let p = $(`${id}-error`);
  if (!p) {
    p = el('p', { id: `${id}-error`, class: 'field-error', hidden: true });
    input.after(p);
    input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') || ''} ${id}-error`.trim());
  }
  // Called on every keystroke: touch the page only when something changes.
  if (p.textContent === (message || '') && p.hidden === !message) return;
  p.textContent = message || '';
  p.hidden = !message;
  input.classList.toggle('invalid', !!message);
  if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
}

async function search(strict = false) {
  const req = request(strict === true);
  const seq = ++state.issued;
  const set = filtersSet();
  if ($('filters-set').textContent !== set) $('filters-set').textContent = set;
  if (isEmpty(req)) {
    state.rendered = seq;
    state.hits = [];
    showStart();
    return;
  }
  let results;
  try {
    results = await call('search', { args: req });
  } catch (e) {
    if (seq <= state.rendered) return;
    state.rendered = seq;
    if (e.field === 'postcode' && req.postcode) {
      // Said beside the field; the results then show what the other filters find, so the
      // summary never claims "near" a place that was not understood.
      state.badPostcode = req.postcode;
      state.postcodeError = e.message;
      state.postcode = null;
      search();
    } else {
      showError(e);
    }
    return;
  }
  if (seq <= state.rendered) return; // a newer answer is already on screen
  // A place and nothing else ("bexley", "E8", a borough picked): the borough's own view.
  let view = null;
  if (placeOnly(results, req)) {
    try {
      // A place people name ("Peckham") opens its borough's view titled with the place.
      view = await call('borough', { borough: results.place.named || results.place.boroughs[0] });
    } catch (e) {
      if (seq <= state.rendered) return;
      state.rendered = seq;
      showError(e);
      return;
    }
    if (seq <= state.rendered) return;
  }
  state.rendered = seq;
  clearError();
  state.hits = view ? [] : results.hits;
  state.borough = view;
  const said = view ? describeBorough(view, results) : results.summary; // the engine's words
  if (summary.textContent !== said) summary.textContent = said;
  showUnserved(view ? null : results.unserved_note);
  state.shownText = req.text;
  showUnderstood(view ? null : results, seq);
  if (view) drawBoroughView(); else { hideBoroughView(); drawResults(); }
  detailsFollowResults();
  list.dataset.seq = String(seq);
}

// For an account, what was understood, part by part; each part's × searches again without
// it (the parts set aside hold until the words change). The engine words the line.
function showUnderstood(results, seq) {
  const p = $('understood');
  const keepFocus = state.focusUnderstood === seq;
  if (keepFocus) state.focusUnderstood = 0;
  const parts = results && results.understood_line ? results.understood.parts : [];
  // Danger now told: the 999 line in the banner says so too, larger, not only the first result.
  const danger = !!results && results.understood.parts.some((x) => x.key === 'danger');
  $('emergency').classList.toggle('danger-now', danger);
  const key = parts.map((x) => `${x.key}:${x.said}`).join('|');
  if (p.dataset.parts === key && p.hidden === !parts.length) return;
  p.dataset.parts = key;
  p.hidden = !parts.length;
  if (!parts.length) {
    p.replaceChildren();
    if (keepFocus) q.focus();
    return;
  }
  const items = parts.map((part) => {
    const words = part.key === 'place' ? part.means : `${part.said} → ${part.means}`;
    return el('span', { class: 'understood-part' }, [
      el('span', { text: words }),
      el('button', {
        type: 'button',
        class: 'understood-remove',
        text: '×',
        'aria-label': `Search again without “${words}”`,
        on: { click: () => setAside(part.key) },
      }),
    ]);
  });
  const joined = [];
  items.forEach((item, i) => { if (i) joined.push(' · '); joined.push(item); });
  p.replaceChildren('Understood: ', ...joined);
  // A part was just removed from the keyboard: focus stays in the line, never lost.
  if (keepFocus) p.querySelector('.understood-remove').focus();
}

function setAside(key) {
  // The line on screen is for the words searched; newer words typed since replace it.
  if (q.value !== state.shownText) return;
  if (state.setAside.text !== q.value) state.setAside = { text: q.value, keys: [] };
  state.setAside.keys.push(key);
  const inLine = document.activeElement && document.activeElement.closest('#understood') !== null;
  state.focusUnderstood = inLine ? state.issued + 1 : 0; // the sequence search() gives it
  search();
}

// A need asked about that no service in the directory covers: said, not stretched.
function showUnserved(note) {
  const p = $('unserved');
  const text = note || '';
  if (p.textContent !== text) p.textContent = text;
  if (p.hidden !== !text) p.hidden = !text;
}

// A name two places share ("Hayes") lists both boroughs' services instead of one view.
function placeOnly(r, req) {
  return Boolean(r.place && r.place.boroughs.length && !r.place.ambiguous)
    && !r.understood.words.length && !r.understood.concepts.length
    && !req.categories.length && !req.open_now && !req.referral && req.age === null;
}

function describeBorough(view, r) {
  const where = r.place.label !== view.name && !r.place.named ? ` (${r.place.label} is in ${view.name})` : '';
  return `${view.heading}${where}: ${view.local} on record`;
}

function drawBoroughView() {
  const v = state.borough;
  if (!v) return;
  list.hidden = true;
  list.replaceChildren();
  boroughView.hidden = false;
  renderBoroughView(boroughView, v, {
    selectedId: state.selected,
    ...cardActions(),
  });
  if (state.focusBorough) {
    state.focusBorough = false;
    const h = $('borough-heading');
    h.setAttribute('tabindex', '-1');
    h.focus();
  }
}

function hideBoroughView() {
  if (boroughView.hidden) return;
  boroughView.hidden = true;
  boroughView.replaceChildren();
  list.hidden = false;
}

// " (2 set)" beside the Filters heading: in one column the filters are collapsed.
function filtersSet() {
  const n = ['f-category', 'f-borough', 'f-postcode', 'f-referral', 'f-age'].filter((id) => $(id).value.trim()).length
    + ($('f-open').checked ? 1 : 0);
  return n ? ` (${n} set)` : '';
}

// What a result card's buttons do.
function cardActions() {
  return {
    onOpen: openDetail,
    inSlip: (id) => state.slip.includes(id),
    onToggleSlip: toggleSlip,
    onLink: openLink,
    onCopy: copy,
  };
}

function drawResults() {
  renderResults(list, state.hits, {
    selectedId: state.selected,
    ...cardActions(),
  });
}

function showStart() {
  state.borough = null;
  hideBoroughView();
  showUnserved(null);
  showUnderstood(null, -1); // no words, nothing understood: the line goes, the 999 banner calms
  summary.textContent = state.shortlist.length
    ? 'Type to search, or open a service from your shortlist.'
    : 'Type what happened or who you are looking for, or pick a type of help.';
  replace(list, state.shortlist.filter((s) => s.name).map((s, i) => el('li', { class: 'card compact' },
    el('h3', { class: 'card-title' }, el('button', {
      type: 'button', class: 'card-open', id: `result-${i}`, dataset: { index: String(i), id: s.id },
      on: { click: (e) => openDetail(s.id, e) },
    }, `★ ${s.name}`)),
    s.organisation && s.organisation !== s.name ? el('p', { class: 'org', text: s.organisation }) : null)));
  delete list.dataset.seq;
  detailsFollowResults();
}

// ---------- detail ----------

function clearDetails() {
  state.selected = null;
  state.detail = null;
  replace($('detail-body'), el('p', { class: 'placeholder', text: 'Choose a service to see its phone numbers, hours, who it is for and where it works.' }));
}

// Details follow the results: a service no longer listed is not left beside new results.
function detailsFollowResults() {
  if (!state.selected) return;
  const listed = [...document.querySelectorAll('#results .card-open, #borough-view .card-open')]
    .some((b) => b.dataset.id === state.selected);
  if (!listed) clearDetails();
  else if (JSON.stringify(whyOpened()) !== JSON.stringify(state.why)) drawDetail();
}

// What of the search matched the service in Details, if it is among the results.
function whyOpened() {
  const hit = state.hits.find((h) => h.id === state.selected);
  if (!hit || (!hit.matched.length && !hit.placed)) return null;
  return {
    matched: hit.matched.length ? hit.why + (hit.partial ? ' (a partial match)' : '') : null,
    placed: hit.placed || null,
  };
}

// `ev` is what opened it: a click or key press, or a 'refresh' event when a new directory
// redraws the details (which then leaves focus and scrolling alone).
async function openDetail(id, ev) {
  const refresh = ev instanceof Event && ev.type === 'refresh';
  const byKeyboard = ev instanceof Event ? ev.detail === 0 : window.event && window.event.detail === 0;
  let d;
  try {
    d = await call('service', { id });
  } catch (e) {
    showError(e);
    return;
  }
  state.selected = id;
  state.detail = d;
  drawDetail();
  for (const b of document.querySelectorAll('#results .card-open, #borough-view .card-open')) {
    const on = b.dataset.id === id;
    b.closest('.card').classList.toggle('selected', on);
    if (on) b.setAttribute('aria-current', 'true'); else b.removeAttribute('aria-current');
  }
  if (refresh) return;
  // In one column the details are below the results: go to them, whatever opened them.
  if (isNarrow()) {
    $('detail').scrollIntoView({ block: 'start' });
    $('detail-name').focus({ preventScroll: true });
  } else if (byKeyboard) $('detail-name').focus();
}

// One column: back from the details to the service's place in the results.
function backToResults() {
  const b = [...document.querySelectorAll('#results .card-open, #borough-view .card-open')]
    .find((x) => x.dataset.id === state.selected);
  if (b) { b.focus(); b.scrollIntoView({ block: 'center' }); } else { q.focus(); window.scrollTo(0, 0); }
}

function drawDetail() {
  if (!state.detail) return;
  state.why = whyOpened();
  renderDetail($('detail-body'), state.detail, {
    why: state.why && state.why.matched,
    placed: state.why && state.why.placed,
    onLink: openLink,
    onCopy: copy,
    inSlip: (id) => state.slip.includes(id),
    onToggleSlip: toggleSlip,
    shortlisted: (id) => state.shortlist.some((s) => s.id === id),
    onShortlist: setShortlisted,
  });
}

// Opens a link; resolves to `false` when a phone link could not be placed (no phone app),
// so the caller can say so beside the number instead of a launcher's error.
async function openLink(href) {
  try {
    await call('open_link', { url: href });
    return true;
  } catch (e) {
    if (e.code === 'no-phone-app') return false;
    showError(e);
    return true;
  }
}

async function copy(text, button) {
  try {
    await call('copy_text', { text });
    if (button) {
      const was = button.textContent;
      button.textContent = 'Copied';
      setTimeout(() => { button.textContent = was; }, 1500);
    }
  } catch (e) { showError(e); }
}

// ---------- slip ----------

function toggleSlip(id) {
  const at = state.slip.indexOf(id);
  if (at >= 0) state.slip.splice(at, 1); else state.slip.push(id);
  $('slip-count').textContent = String(state.slip.length);
  const focused = document.activeElement && document.activeElement.id;
  if (state.borough) drawBoroughView(); else drawResults();
  drawDetail();
  if (focused && $(focused)) $(focused).focus();
}

async function openSlip() {
  await drawSlip();
  $('slip-dialog').showModal();
}

async function drawSlip() {
  const names = new Map([...state.hits.map((h) => [h.id, h.name]), ...state.shortlist.map((s) => [s.id, s.name])]);
  if (state.detail) names.set(state.detail.service.id, state.detail.service.name);
  replace($('slip-list'), state.slip.map((id) => el('li', {},
    el('span', { text: names.get(id) || id }),
    el('button', {
      type: 'button', class: 'small link-button', 'aria-label': `Remove ${names.get(id) || id} from the slip`,
      on: { click: async () => { toggleSlip(id); await drawSlip(); } },
    }, 'Remove'))));
  $('slip-copied').textContent = '';
  if (!state.slip.length) {
    $('slip-text').textContent = 'No services on the slip yet. Use “Add to slip” on a result.';
    $('slip-print').disabled = true;
    $('slip-copy').disabled = true;
    return;
  }
  try {
    $('slip-text').textContent = await call('slip_text', { ids: state.slip });
    $('slip-print').disabled = false;
    $('slip-copy').disabled = false;
  } catch (e) {
    $('slip-text').textContent = e.message;
  }
}

// ---------- shortlist ----------

async function loadShortlist() {
  try {
    setShortlist(await call('shortlist'));
  } catch (e) {
    showError(e);
  }
}

function setShortlist(entries) {
  state.shortlist = entries;
  $('shortlist-count').textContent = String(entries.length);
  drawShortlist();
  drawDetail();
  if (isEmpty(request())) showStart();
}

async function setShortlisted(id, on) {
  try {
    setShortlist(await call(on ? 'shortlist_add' : 'shortlist_remove', { id }));
    $('detail-shortlist') && $('detail-shortlist').focus();
  } catch (e) { showError(e); }
}

function drawShortlist() {
  const items = state.shortlist.map((s) => el('li', {},
    s.name
      ? el('button', {
        type: 'button', class: 'link-button',
        on: { click: () => { $('shortlist-dialog').close(); openDetail(s.id, new Event('click')); } },
      }, s.name)
      : el('span', { class: 'gone', text: `${s.id}: no longer in the directory` }),
    s.organisation && s.organisation !== s.name ? el('span', { class: 'org', text: ` — ${s.organisation}` }) : null,
    el('button', {
      type: 'button', class: 'small link-button', 'aria-label': `Remove ${s.name || s.id} from the shortlist`,
      on: { click: () => setShortlisted(s.id, false) },
    }, 'Remove')));
  replace($('shortlist-list'), items.length ? items : [el('li', { class: 'hint', text: 'Nothing on your shortlist yet. Open a service and choose “Add to shortlist”.' })]);
}

// ---------- coverage map ----------

async function openCoverage() {
  try {
    state.coverage = await call('coverage');
  } catch (e) {
    showError(e);
    return;
  }
  drawCoverage();
  $('coverage-dialog').showModal();
}

function drawCoverage() {
  if (!state.coverage) return;
  renderCoverage($('coverage-body'), state.coverage, $('coverage-category').value, chooseBorough);
}

// A borough chosen on the map or in its table: its borough view, in place of the results.
function chooseBorough(gss) {
  $('coverage-dialog').close();
  q.value = '';
  clearFilters();
  $('f-borough').value = gss;
  state.focusBorough = true;
  search();
}

// ---------- about ----------

async function openAbout() {
  const body = $('about-body');
  try {
    const a = await call('about');
    replace(body,
      el('p', { text: 'Signpost London tells you where to refer a victim of crime in London. It works offline: the directory is kept on this computer.' }),
      el('h3', { text: 'This directory' }),
      el('dl', { class: 'summary-list' },
        row('Published by', a.publisher || 'not stated'),
        row('Dated', a.directory_date || 'unknown'),
        row('Services', String(a.services)),
        row('Records set aside', a.set_aside.length ? `${a.set_aside.length} (listed below)` : 'none'),
        row('Details left out', a.left_out.length ? `${a.left_out.length} (listed below)` : 'none'),
        row('Updates from', a.feed_url || 'no feed set (the directory shipped with the app)'),
        row('Last update', a.last_update || 'never'),
        row('Search by meaning', !a.meaning ? 'starting…'
          : a.meaning.on ? `on: ${a.meaning.detail}` : `off: ${a.meaning.detail}`),
        row('Kept in', a.data_dir),
        row('App version', a.version)),
      ...[a.set_aside, a.left_out].map((list) => list.length ? el('ul', { class: 'set-aside' }, list.map((p) => el('li', {
        text: `Record ${p.record}${p.id ? ` (${p.id})` : ''}: ${p.field} — ${p.reason}`,
      }))) : null),
      el('h3', { text: 'Privacy' }),
      el('p', { text: 'No search history is kept, nothing you type leaves this computer, and there is no tracking. Only your shortlist, your borough, your zoom level and your update settings are saved. The only network traffic is the check for directory updates at the feed address you set.' }),
      el('h3', { text: 'Data sources and licences' }),
      el('p', { text: 'Service details were gathered from each service\'s own public pages; every record shows when it was last reviewed and where its facts were seen. Check numbers before giving them out.' }),
      el('ul', {}, a.attributions.map((t) => el('li', { text: t }))),
      el('p', { text: 'Signpost London is free software (MIT licence), built with Tauri, tantivy and sled.' }));
  } catch (e) {
    replace(body, el('p', { class: 'field-error', text: e.message }));
  }
  $('about-dialog').showModal();
}

function row(k, v) {
  return el('div', { class: 'summary-row' }, el('dt', { text: k }), el('dd', { text: v }));
}

// ---------- start-up ----------

function fillSelect(select, choices) {
  select.append(...choices.map((c) => el('option', { value: c.id, text: c.label })));
}

async function startUp() {
  q.focus();
  const s = await call('start');
  setCategories(s.categories);
  setMap(s.map);
  fillSelect($('f-category'), s.categories);
  fillSelect($('coverage-category'), s.categories);
  fillSelect($('f-borough'), s.boroughs);
  fillSelect($('f-home'), s.boroughs);
  try {
    const status = await refreshStatus(); // resolves once the directory is open
    document.body.dataset.ready = 'true';
    document.body.dataset.readyMs = String(status.uptime_ms);
  } catch (e) {
    $('status-line').textContent = e.message;
    showError(e);
    requestAnimationFrame(() => setTimeout(loadMeaning, 0));
    return;
  }
  try {
    const settings = await loadSettings();
    if (settings.home_borough) {
      $('f-home').value = settings.home_borough;
      if (!$('f-borough').value) $('f-borough').value = settings.home_borough;
    }
    await restoreZoom(settings.zoom_percent, showError);
  } catch (e) { showError(e); }
  await loadShortlist();
  await search();
  // The meaning model loads once the first results are painted: searching works on words
  // at once, and by meaning too as soon as the model is ready.
  requestAnimationFrame(() => setTimeout(loadMeaning, 0));
}

async function loadMeaning() {
  try {
    const m = await call('load_meaning');
    document.body.dataset.meaning = m.on ? 'on' : 'off';
    if (m.on && q.value.trim()) search();
  } catch (e) {
    document.body.dataset.meaning = 'off';
  }
}

function wire() {
  setUpLayout({ onError: showError });
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); search(); });
  q.addEventListener('input', search);
  for (const id of ['f-category', 'f-borough', 'f-referral', 'f-open']) $(id).addEventListener('change', search);
  $('f-age').addEventListener('input', search);
  $('f-postcode').addEventListener('change', () => search(true));
  $('f-postcode').addEventListener('input', () => search());
  $('f-postcode').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); search(true); } });
  $('back-to-results').addEventListener('click', backToResults);
  $('clear-filters').addEventListener('click', () => {
    clearFilters();
    search();
  });
  $('f-home').addEventListener('change', async () => {
    try { await saveSettings({ home_borough: $('f-home').value || null }); } catch (e) { showError(e); }
  });

  $('show-slip').addEventListener('click', openSlip);
  $('show-shortlist').addEventListener('click', () => { drawShortlist(); $('shortlist-dialog').showModal(); });
  $('show-about').addEventListener('click', openAbout);
  $('show-coverage').addEventListener('click', openCoverage);
  $('coverage-category').addEventListener('change', drawCoverage);
  $('coverage-dialog').addEventListener('close', () => { state.coverage = null; });
  for (const b of document.querySelectorAll('[data-close]')) b.addEventListener('click', () => b.closest('dialog').close());
  $('slip-print').addEventListener('click', () => call('print_page').catch(showError));
  $('slip-copy').addEventListener('click', async () => {
    await copy($('slip-text').textContent, null);
    $('slip-copied').textContent = 'Copied. Paste it into a message or a document.';
  });
  $('slip-clear').addEventListener('click', async () => {
    state.slip = [];
    $('slip-count').textContent = '0';
    drawResults();
    drawDetail();
    await drawSlip();
  });

  q.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && moveFocus(state.borough ? boroughView : list, 'ArrowDown')) e.preventDefault();
    if (e.key === 'Escape') { e.preventDefault(); q.value = ''; search(); }
  });
  for (const container of [list, boroughView]) {
    container.addEventListener('keydown', (e) => {
      if (moveFocus(container, e.key)) { e.preventDefault(); return; }
      if (e.key === 'ArrowUp') { e.preventDefault(); q.focus(); }
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || document.querySelector('dialog[open]')) return;
    const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
    if (e.key === '/' && !typing) {
      e.preventDefault();
      window.scrollTo(0, 0); // the search box is at the top of the page
      q.focus();
      q.select();
    }
    if (e.key === 'Escape' && e.target !== q) { q.focus(); }
  });

  setUpQuickHide({
    onHide: () => {
      // What was on screen may say what happened to someone: the words, the filters, the
      // slip and the details all go.
      q.value = '';
      clearFilters();
      state.slip = [];
      $('slip-count').textContent = '0';
      clearDetails();
      clearError();
      search();
    },
  });
}

setUpUpdates({
  // A new directory: search again, and refresh names on the shortlist and in the detail.
  onUpdated: async () => {
    search();
    await loadShortlist();
    if (state.selected) openDetail(state.selected, new Event('refresh'));
  },
  onError: showError,
});
wire();
startUp().catch(showError);
