// Call and Copy beside a phone number, as the result cards and the detail pane show them.
import { el } from './dom.js';

// `p` is a number as the engine gives it: { number, note, tel }. Returns the two buttons
// and the note that says, in place of a launcher's error, that this computer can't call.
export function dialControls(p, { onLink, onCopy, name }) {
  const note = el('span', { class: 'call-note', role: 'status', hidden: true });
  const about = name ? ` (${name})` : '';
  const call = p.tel ? el('a', {
    href: p.tel, class: 'button small',
    'aria-label': `Call ${p.number}${about}`,
    on: {
      click: async (e) => {
        e.preventDefault();
        const placed = await onLink(p.tel);
        note.hidden = placed;
        note.textContent = placed ? '' : `This computer can't place calls — dial ${p.number}`;
      },
    },
  }, 'Call') : null;
  const copy = el('button', {
    type: 'button', class: 'small copy',
    'aria-label': `Copy ${p.number}${about}`,
    on: { click: (e) => onCopy(p.number, e.currentTarget) },
  }, 'Copy');
  return { buttons: [call, copy], note };
}
