// localStorage with a fallback to memory: quota errors, private mode or a
// disabled storage never stop tracking. The ids every tab shares live under
// STORAGE_KEY; each tab's unsent queue under a key of its own (tabs.js).
import { log } from './util.js';

export const STORAGE_KEY = 'microtrack';
export const TAB_KEY = STORAGE_KEY + '.' + Math.random().toString(36).slice(2);
export const SENT = '.sent';  // next to a tab's queue: the ids sent since it was stored
// The collector URL that answered `Microtrack-Compression: gzip` (transport.js);
// not under STORAGE_KEY + '.', where every key is a tab's queue.
export const GZIP_KEY = STORAGE_KEY + '-gzip';
let storageWarned = false;

export const storageGet = (key = STORAGE_KEY) => {
  try {
    return localStorage.getItem(key) || '';
  } catch (e) {
    return '';
  }
};

// Another tab's queue key (`microtrack.<random>`): not this tab's, not a
// list of sent ids.
export const isOtherTabQueue = (key) =>
  !!key && key.startsWith(STORAGE_KEY + '.') && key !== TAB_KEY && !key.endsWith(SENT);

// True when stored.
export const storageSet = (key, value) => {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
    return true;
  } catch (e) {
    // A stale copy must not outlive the write: its events would be sent again.
    try {
      localStorage.removeItem(key);
    } catch (ignored) {}
    if (!storageWarned) log('warn', 'localStorage is unavailable (' + e.name + '); keeping events in memory.');
    storageWarned = true;
    return false;
  }
};
