// Quick hide: blank the window at once and give it a neutral title; Esc brings it back.
// Triggered by the button or by Shift pressed three times within two seconds — Shift on its
// own each time: a Shift held for a capital letter ("E8 1AA", "DA7 Bex") never counts, and
// any other key between the presses starts the count again.
import { call } from './api.js';
import { $ } from './dom.js';

const PRESSES = 3;
const WINDOW_MS = 2000;

export function setUpQuickHide({ onHide }) {
  const blank = $('blank');
  const app = $('app');
  let shiftTimes = [];
  let shiftAlone = false; // Shift is down and nothing else was pressed with it

  function hide() {
    if (!blank.hidden) return;
    // Blank first, in this frame; everything else can follow.
    app.hidden = true;
    for (const d of document.querySelectorAll('dialog[open]')) d.close();
    blank.hidden = false;
    document.title = 'Untitled';
    onHide();
    call('hide_window', { hidden: true }).catch(() => {});
  }

  function show() {
    blank.hidden = true;
    app.hidden = false;
    document.title = 'Signpost London';
    call('hide_window', { hidden: false }).catch(() => {});
    $('q').focus();
  }

  $('quick-hide').addEventListener('click', hide);
  document.addEventListener('keydown', (e) => {
    if (!blank.hidden) {
      if (e.key === 'Escape') show();
      e.preventDefault();
      return;
    }
    if (e.key !== 'Shift') {
      shiftAlone = false;
      shiftTimes = [];
      return;
    }
    if (!e.repeat) shiftAlone = true;
  }, true);
  // A press counts when Shift comes up having been pressed alone.
  document.addEventListener('keyup', (e) => {
    if (e.key !== 'Shift' || !blank.hidden) return;
    if (!shiftAlone) return;
    shiftAlone = false;
    const now = performance.now();
    shiftTimes = shiftTimes.filter((t) => now - t < WINDOW_MS);
    shiftTimes.push(now);
    if (shiftTimes.length >= PRESSES) {
      shiftTimes = [];
      hide();
    }
  }, true);
  return { hide, isHidden: () => !blank.hidden };
}
