// localStorage with its fallback to memory, and the layout of its keys
// (bindings/js/storage.js), over a stand-in for window.localStorage.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { SENT, STORAGE_KEY, TAB_KEY, isOtherTabQueue, storageGet, storageSet } from '../../bindings/js/storage.js';

// A Storage whose writes can be made to fail as a full or disabled one does.
const fakeStorage = () => {
  const items = new Map();
  return {
    items,
    failWrites: false,
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem(key, value) {
      if (this.failWrites) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
      items.set(key, String(value));
    },
    removeItem: (key) => items.delete(key)
  };
};

afterEach(() => {
  delete globalThis.localStorage;
});

test('a value is stored and read back; the empty text removes it', () => {
  globalThis.localStorage = fakeStorage();
  assert.equal(storageSet(TAB_KEY, '{"q":[]}'), true);
  assert.equal(storageGet(TAB_KEY), '{"q":[]}');
  assert.equal(storageSet(TAB_KEY, ''), true);
  assert.equal(localStorage.items.has(TAB_KEY), false);
  assert.equal(storageGet(TAB_KEY), '');
});

test('the shared ids are read from the key microtrack by default', () => {
  globalThis.localStorage = fakeStorage();
  localStorage.setItem('microtrack', '{"anonymousId":"a"}');
  assert.equal(STORAGE_KEY, 'microtrack');
  assert.equal(storageGet(), '{"anonymousId":"a"}');
});

test('a failed write removes the stale copy, answers false and warns once per page', (t) => {
  const warnings = t.mock.method(console, 'warn', () => {});
  globalThis.localStorage = fakeStorage();
  storageSet(TAB_KEY, 'old queue');
  localStorage.failWrites = true;
  assert.equal(storageSet(TAB_KEY, 'new queue'), false);
  assert.equal(storageGet(TAB_KEY), '', 'the old queue must not be sent again from storage');
  assert.equal(storageSet(TAB_KEY, 'newer queue'), false);
  assert.deepEqual(warnings.mock.calls.map((c) => c.arguments[0]),
    ['microtrack: localStorage is unavailable (QuotaExceededError); keeping events in memory.']);
});

// (After the test above: the one warning of this "page" is given.)
test('no localStorage at all (a sandboxed frame): reads are empty, writes answer false', (t) => {
  t.mock.method(console, 'warn', () => {});
  assert.equal(storageGet(), '');
  assert.equal(storageSet(TAB_KEY, 'x'), false);
});

test("another tab's queue key is microtrack.<id>, not this tab's nor a list of sent ids", () => {
  assert.match(TAB_KEY, /^microtrack\.[0-9a-z]+$/);
  assert.equal(isOtherTabQueue('microtrack.k2x9'), true);
  assert.equal(isOtherTabQueue(TAB_KEY), false);
  assert.equal(isOtherTabQueue('microtrack.k2x9' + SENT), false);
  assert.equal(isOtherTabQueue('microtrack'), false);
  assert.equal(isOtherTabQueue('other.microtrack.k2x9'), false);
  assert.equal(isOtherTabQueue(null), false);  // a storage event of localStorage.clear()
});
