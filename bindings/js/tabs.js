// Several tabs of one site: each keeps its queue under its own key and holds
// a Web Lock of that name while it lives. A queue whose lock is free belongs
// to no living page (a closed tab, the page before a reload): the first tab
// to get the lock adopts it, so no event is sent twice or stranded. A tab
// waits on the locks of the others' keys and adopts a queue as soon as its
// tab closes. Without Web Locks (insecure origins) the queues found at
// start are adopted; a collector's messageId dedupe covers a tab still open.
import { persistNow, schedule } from './delivery.js';
import { core } from './state.js';
import { SENT, TAB_KEY, isOtherTabQueue, storageGet, storageSet } from './storage.js';
import { now } from './util.js';

const locks = navigator.locks;
const watchedKeys = {};

const adoptQueue = (key) => {
  const state = storageGet(key);
  // Only when this page may store what it adopts (not before consent).
  if (state && core.snapshot(false)) {
    core.adopt(state, now(), storageGet(key + SENT));
    persistNow();  // stored here before it is removed there
    storageSet(key, '');
    storageSet(key + SENT, '');
    schedule();
  }
};

const watchQueue = (key) => {
  if (!isOtherTabQueue(key) || watchedKeys[key]) return;
  watchedKeys[key] = 1;
  // (A throw inside the lock's callback ends as the rejection caught here.)
  if (locks) locks.request(key, () => adoptQueue(key)).catch(() => {});
  else adoptQueue(key);
};

export const enableTabs = () => {
  if (locks) {
    locks.request(TAB_KEY, () => new Promise(() => {})).catch(() => {});
    addEventListener('storage', (e) => watchQueue(e.key));
  }
  try {
    for (const key of Object.keys(localStorage)) watchQueue(key);
  } catch (e) {}
};
