// The detail pane: everything needed to contact a service, as a summary list.
import { el, replace } from './dom.js';
import { dialControls } from './dial.js';
import { capitalise, categoryLabel, openTag, reviewTag } from './format.js';
import { coverageMap } from './map.js';

// A link built by the engine (https, tel: or mailto:); shown as text when it has none.
function link(l, { label, onLink } = {}) {
  if (!l.href) return el('span', { class: 'plain-link', text: l.text });
  return el('a', {
    href: l.href,
    class: 'external',
    'aria-label': label || null,
    on: { click: (e) => { e.preventDefault(); onLink(l.href); } },
  }, l.text);
}

function row(key, ...value) {
  return el('div', { class: 'summary-row' }, el('dt', { text: key }), el('dd', {}, ...value));
}

// `why` says what of the search matched this service, when it was opened from results;
// `placed`, why a ranking rule listed it there (the way to report a crime told).
export function renderDetail(body, d, { why, placed, onLink, onCopy, inSlip, onToggleSlip, onShortlist, shortlisted }) {
  const s = d.service;
  const org = s.organization && s.organization.name;
  const phones = d.phones.length
    ? el('ul', { class: 'phones' }, d.phones.map((p) => {
      const dial = dialControls(p, { onLink, onCopy });
      return el('li', { class: 'phone' },
        el('span', { class: 'number', text: p.number }),
        p.note ? el('span', { class: 'phone-note', text: `(${p.note})` }) : null,
        dial.note,
        p.label ? el('span', { class: 'phone-label', text: p.label }) : null,
        el('span', { class: 'phone-hours', text: p.hours ? `Hours: ${p.hours}` : 'Hours not stated' }),
        el('span', { class: 'phone-actions' }, dial.buttons));
    }))
    : el('p', { class: 'no-phone', text: 'No phone number on record.' });

  const chosen = inSlip(s.id);
  const saved = shortlisted(s.id);
  const reviewRows = [row('Last reviewed', reviewTag(d.review))];
  const sources = d.sources.length
    ? el('ul', { class: 'sources' }, d.sources.map((l) => el('li', {}, link(l, { onLink }))))
    : 'not stated';

  replace(body,
    el('h3', { class: 'detail-name', id: 'detail-name', tabindex: '-1', text: s.name }),
    // A provider nobody could name is said so, not left as a blank or a dash.
    !org ? el('p', { class: 'org', text: 'Provider not stated' })
      : org !== s.name ? el('p', { class: 'org', text: org }) : null,
    el('p', { class: 'tags' }, d.categories.map((c) => el('span', { class: 'tag category', text: categoryLabel(c) }))),
    el('p', { class: 'detail-actions' },
      el('button', {
        type: 'button', id: 'detail-slip', 'aria-pressed': chosen ? 'true' : 'false',
        on: { click: () => onToggleSlip(s.id) },
      }, chosen ? '✓ On the slip' : 'Add to slip'),
      el('button', {
        type: 'button', id: 'detail-shortlist', 'aria-pressed': saved ? 'true' : 'false',
        on: { click: () => onShortlist(s.id, !saved) },
      }, saved ? '★ On your shortlist' : '☆ Add to shortlist')),
    s.alert ? el('div', { class: 'callout', role: 'note' }, el('strong', { text: 'Note: ' }), s.alert) : null,
    el('h4', { text: 'Contact' }),
    d.phone_changed_callout ? el('p', { class: 'callout phone-changed', role: 'note', text: d.phone_changed_callout }) : null,
    // What the publisher sent but could not be used: said, never silently missing.
    d.left_out.length ? el('div', { class: 'callout left-out', role: 'note' },
      el('strong', { text: 'Left out of this record: ' }),
      d.left_out.join('; ')) : null,
    phones,
    el('p', { class: 'hint', text: 'Numbers are as published by the service; check them before giving them out.' }),
    el('dl', { class: 'summary-list' },
      d.website ? row('Website', link(d.website, { onLink }),
        d.website.href ? null : el('span', { class: 'hint', text: ' (not a secure link: copy it into a browser)' })) : null,
      d.email ? row('Email', link(d.email, { onLink })) : null,
      row('Open now', openTag(d.open, d.open_text)),
      row('Hours', d.hours_text.length ? d.hours_text.join('; ') : 'not on record'),
      row('Referral', d.referral_text ? capitalise(d.referral_text) : 'route not stated'),
      row('Who it is for', [s.eligibility_description || 'not stated', d.ages ? ` (${d.ages})` : ''].join('')),
      d.languages.length ? row('Languages', d.languages.join(', ')) : null,
      row('Covers', d.covers, / boroughs$/.test(d.covers) ? `: ${d.coverage.join(', ')}` : ''),
      why ? row('Matched your search', why) : null,
      placed ? row('Listed', placed) : null,
      ...reviewRows,
      row('Sources', sources),
    ),
    coverageMap(d.coverage_areas, `Map of London showing where this service works: ${d.coverage.join(', ') || 'not stated'}`),
    s.description ? el('h4', { text: 'About the service' }) : null,
    s.description ? el('p', { class: 'description', text: s.description }) : null,
  );
}
