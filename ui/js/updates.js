// Keeping the directory current: the status line, "Update now" with its progress, the
// updates settings (feed address, publisher key), and the network-back signal.
// The app does the syncing; this page only asks for it and shows what it hears.
import { call } from './api.js';
import { $ } from './dom.js';

const listen = window.__TAURI__.event.listen;
let settings = {};
let feedSet = false;

export async function loadSettings() {
  settings = await call('settings');
  return settings;
}

// Settings are saved whole, so one change never wipes another.
// `confirmKey` is the id of a new publisher key the user chose to trust.
export async function saveSettings(change, confirmKey = null) {
  const { locked_by: lockedBy, ...saved } = settings;
  settings = { ...await call('save_settings', { settings: { ...saved, ...change }, confirmKey }), locked_by: lockedBy };
  return settings;
}

export async function refreshStatus() {
  const s = await call('status');
  $('status-line').textContent = s.text;
  const err = $('sync-error');
  const news = s.updates_off || s.error;
  err.textContent = s.updates_off ? s.updates_off : (s.error ? `Last update failed: ${s.error}` : (s.notice ? `Note: ${s.notice}.` : ''));
  err.hidden = !news && !s.notice;
  feedSet = s.feed_set;
  showProgress(s.progress);
  return s;
}

function showProgress(text) {
  $('sync-progress').textContent = text || '';
  // Marked busy rather than disabled: a disabled button drops the keyboard focus to the page.
  $('update-now').setAttribute('aria-disabled', text ? 'true' : 'false');
}

function fieldError(id, message) {
  const p = $(`${id}-error`);
  p.hidden = !message;
  p.textContent = message || '';
  $(id).setAttribute('aria-invalid', message ? 'true' : 'false');
}

function openSettings() {
  $('s-feed').value = settings.feed_url || '';
  $('s-key').value = settings.feed_public_key || '';
  const locked = Boolean(settings.locked_by);
  $('s-feed').disabled = locked;
  $('s-key').disabled = locked;
  $('s-locked').hidden = !locked;
  $('s-locked').textContent = locked ? `The feed address and publisher key are set by your organisation (${settings.locked_by}).` : '';
  $('key-confirm').hidden = true;
  fieldError('s-feed', null);
  fieldError('s-key', null);
  $('settings-saved').textContent = '';
  $('settings-dialog').showModal();
  $('s-feed').focus();
}

// A different publisher key is a deliberate act: its fingerprint and what trusting it
// means are shown, and it is saved only after "Trust this key".
function confirmKey(key) {
  return new Promise((resolve) => {
    $('key-confirm-text').textContent = `Signpost will accept directories signed with key ${key.fingerprint} instead of the one it uses now. Whoever holds that key can change every phone number Signpost shows. Check the fingerprint with your organisation before you trust it.`;
    $('key-confirm').hidden = false;
    $('key-confirm-no').focus();
    const done = (yes) => {
      $('key-confirm').hidden = true;
      $('key-confirm-yes').onclick = null;
      $('key-confirm-no').onclick = null;
      resolve(yes);
    };
    $('key-confirm-yes').onclick = () => done(true);
    $('key-confirm-no').onclick = () => done(false);
  });
}

async function submitSettings(e) {
  e.preventDefault();
  fieldError('s-feed', null);
  fieldError('s-key', null);
  try {
    const keyText = $('s-key').value.trim() || null;
    let confirmed = null;
    if (keyText !== (settings.feed_public_key || null)) {
      const key = await call('describe_key', { key: keyText || '' });
      if (!key.shipped) {
        if (!await confirmKey(key)) {
          $('settings-saved').textContent = 'Not saved: the publisher key is unchanged.';
          return;
        }
        confirmed = key.id;
      }
    }
    await saveSettings({ feed_url: $('s-feed').value.trim() || null, feed_public_key: keyText }, confirmed);
    $('settings-saved').textContent = settings.feed_url
      ? 'Saved. Checking the feed now.'
      : 'Saved. No feed address: the directory stays as it is.';
    await refreshStatus();
  } catch (err) {
    const onKey = err.field === 'publisher-key';
    fieldError(onKey ? 's-key' : 's-feed', err.message);
    $(onKey ? 's-key' : 's-feed').focus();
  }
}

// `onUpdated` runs after a sync applied a new directory (to refresh what is on screen).
export function setUpUpdates({ onUpdated, onError }) {
  $('update-now').addEventListener('click', () => {
    if ($('update-now').getAttribute('aria-disabled') === 'true') return; // one sync at a time
    if (!feedSet) { openSettings(); return; }
    showProgress('Checking for an update…');
    call('update_now').catch(onError);
  });
  $('show-settings').addEventListener('click', openSettings);
  $('settings-form').addEventListener('submit', submitSettings);
  listen('sync-progress', (e) => showProgress(e.payload)).catch(onError);
  listen('sync-done', async (e) => {
    showProgress(null);
    try {
      await refreshStatus();
      if (e.payload.updated) await onUpdated();
    } catch (err) { onError(err); }
  }).catch(onError);
  // The webview hears the operating system's network monitor.
  window.addEventListener('online', () => call('network_back').catch(onError));
  // Keep "Updated 2 min ago" true.
  setInterval(() => refreshStatus().catch(() => {}), 60_000);
}
