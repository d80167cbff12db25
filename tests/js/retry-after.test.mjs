// Retry-After as the transport reads it (bindings/js/retry-after.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryAfterMs } from '../../bindings/js/retry-after.js';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);  // Fri, 04 Dec 2026 12:00:00 GMT

test('delay-seconds are read as ms, surrounding blanks allowed', () => {
  assert.equal(retryAfterMs('120', NOW), 120000);
  assert.equal(retryAfterMs('0', NOW), 0);
  assert.equal(retryAfterMs(' 7 ', NOW), 7000);
});

test('an HTTP-date is read as the ms from now until it', () => {
  assert.equal(retryAfterMs('Fri, 04 Dec 2026 12:01:30 GMT', NOW), 90000);
  assert.equal(retryAfterMs('Fri, 04 Dec 2026 12:00:00 GMT', NOW), 0);
});

test('an HTTP-date in the past means at once', () => {
  assert.equal(retryAfterMs('Fri, 04 Dec 2026 11:00:00 GMT', NOW), 0);
});

test('no header, or one that is neither form, is -1', () => {
  assert.equal(retryAfterMs(null, NOW), -1);  // what Headers.get answers when absent
  assert.equal(retryAfterMs('', NOW), -1);
  assert.equal(retryAfterMs('soon', NOW), -1);
  assert.equal(retryAfterMs('Fri, 04 Foo 2026 12:00:00 GMT', NOW), -1);
});
