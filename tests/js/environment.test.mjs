// The environment the core is started with (bindings/js/environment.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environmentJson, timeZone } from '../../bindings/js/environment.js';

const SCREEN = { width: 1920, height: 1080 };
const browser = (privacy) => ({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64)', language: 'nb-NO', ...privacy });
const doNotTrack = (nav) => JSON.parse(environmentJson(nav, SCREEN, 'Europe/Oslo')).doNotTrack;

test('the browser, its locale, time zone and screen, as the core reads them', () => {
  assert.deepEqual(JSON.parse(environmentJson(browser({}), SCREEN, 'Europe/Oslo')), {
    context: {
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      locale: 'nb-NO',
      timezone: 'Europe/Oslo',
      screen: { width: 1920, height: 1080 }
    },
    doNotTrack: false
  });
});

test('Global Privacy Control or Do Not Track "1" asks not to be tracked', () => {
  assert.equal(doNotTrack(browser({ globalPrivacyControl: true })), true);
  assert.equal(doNotTrack(browser({ doNotTrack: '1' })), true);
  assert.equal(doNotTrack(browser({ globalPrivacyControl: true, doNotTrack: '0' })), true);
});

test('anything else does not: DNT "0" or "unspecified", GPC false or absent', () => {
  assert.equal(doNotTrack(browser({ doNotTrack: '0' })), false);
  assert.equal(doNotTrack(browser({ doNotTrack: 'unspecified' })), false);
  assert.equal(doNotTrack(browser({ doNotTrack: null, globalPrivacyControl: false })), false);
  assert.equal(doNotTrack(browser({ globalPrivacyControl: 'true' })), false);  // only the boolean counts
});

const intl = (zone) => ({ DateTimeFormat: () => ({ resolvedOptions: () => ({ timeZone: zone }) }) });

test("the time zone from Temporal where the browser has it, else from Intl (also where Temporal throws)", () => {
  const temporal = { Now: { timeZoneId: () => 'Europe/Oslo' } };
  assert.equal(timeZone({ Temporal: temporal, Intl: intl('UTC') }), 'Europe/Oslo');
  assert.equal(timeZone({ Intl: intl('America/New_York') }), 'America/New_York');
  assert.equal(timeZone({ Temporal: {}, Intl: intl('Asia/Tokyo') }), 'Asia/Tokyo');  // an early Temporal without Now
  const throwing = { Now: { timeZoneId: () => { throw new RangeError('no zone'); } } };
  assert.equal(timeZone({ Temporal: throwing, Intl: intl('Asia/Tokyo') }), 'Asia/Tokyo');
});

test("in node, the zone timeZone names is Intl's", () => {
  assert.equal(timeZone(globalThis), Intl.DateTimeFormat().resolvedOptions().timeZone);
});
