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
export async function saveSettings(change) {
  settings = await call('save_settings', { settings: { ...settings, ...change } });
  return settings;
}

export async function refreshStatus() {
  const s = await call('status');
  $('status-line').textContent = s.text;
  const err = $('sync-error');
  err.hidden = !s.error;
  err.textContent = s.error ? `Last update failed: ${s.error}` : '';
  feedSet = s.feed_set;
  showProgress(s.progress);
  return s;
}

function showProgress(text) {
  $('sync-progress').textContent = text || '';
  $('update-now').disabled = Boolean(text);
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
  fieldError('s-feed', null);
  fieldError('s-key', null);
  $('settings-saved').textContent = '';
  $('settings-dialog').showModal();
  $('s-feed').focus();
}

async function submitSettings(e) {
  e.preventDefault();
  fieldError('s-feed', null);
  fieldError('s-key', null);
  try {
    await saveSettings({ feed_url: $('s-feed').value.trim() || null, feed_public_key: $('s-key').value.trim() || null });
    $('settings-saved').textContent = settings.feed_url
      ? 'Saved. Checking the feed now.'
      : 'Saved. No feed address: the directory stays as it is.';
    await refreshStatus();
  } catch (err) {
    const onKey = /publisher key/.test(err.message);
    fieldError(onKey ? 's-key' : 's-feed', err.message);
    $(onKey ? 's-key' : 's-feed').focus();
  }
}

// `onUpdated` runs after a sync applied a new directory (to refresh what is on screen).
export function setUpUpdates({ onUpdated, onError }) {
  $('update-now').addEventListener('click', () => {
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
