// The public API's methods (CONTRACT §1). Each runs once the core is up,
// with valid arguments: calls.js decides when.
import { normaliseConfig } from './config.js';
import { afterCoreCall, afterStateChange, flushQueue } from './delivery.js';
import { reportPageView } from './page-views.js';
import { startCore } from './start.js';
import { core, listeners } from './state.js';
import { handOverTracks, queueTrack } from './track-queue.js';
import { log, now, toJson } from './util.js';

export let initialised = false;

export const api = {
  init(config) {
    if (initialised) {
      log('warn', 'init was already called.');
      return;
    }
    initialised = true;
    startCore(normaliseConfig(config));
  },
  track(name, properties) {
    const json = toJson(properties, 'track properties');
    if (json !== null) queueTrack(typeof name === 'string' ? name : '', json, now());
  },
  page(properties) {
    const json = toJson(properties, 'page properties');
    if (json !== null) reportPageView(json, false);
  },
  identify(userId, traits) {
    const json = toJson(traits, 'identify traits');
    if (json !== null) afterCoreCall(core.identify(userId == null ? '' : String(userId), json, now()));
  },
  consent(granted) {
    core.consent(!!granted, now());
    afterStateChange();
  },
  reset() {
    core.reset(now());
    afterStateChange();
  },
  flush: () => flushQueue(),
  on(type, fn) {
    if (type !== 'event' || typeof fn !== 'function') {
      log('error', "on() takes 'event' and a function.");
      return undefined;
    }
    handOverTracks();  // a listener hears of the events tracked after it, not before
    listeners.push(fn);
    return () => {
      const i = listeners.indexOf(fn);
      if (i >= 0) listeners.splice(i, 1);
    };
  }
};
