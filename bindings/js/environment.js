// The browser's environment as the core's start() reads it (JSON text):
// the fields of every event's context that only the browser knows
// (CONTRACT §4: userAgent, locale, timezone, screen), which the core copies
// into each event as written here, and whether the visitor asked not to be
// tracked (Global Privacy Control or Do Not Track), which the core honours
// unless respectDoNotTrack is off. The objects are passed in, so that
// node's tests can stand them in.
export const environmentJson = (nav, screen, timezone) => JSON.stringify({
  context: { userAgent: nav.userAgent, locale: nav.language, timezone, screen: { width: screen.width, height: screen.height } },
  doNotTrack: nav.globalPrivacyControl === true || nav.doNotTrack === '1'
});

// The visitor's time zone (an IANA name). Temporal.Now reads ICU's default
// zone without building a date formatter; Intl.DateTimeFormat's first use
// builds one from ICU's locale data: 13-55 ms on the bench machine, a long
// task under load (bench/startup-trace.mjs), so start.js asks first in a
// task of its own. Both answer the same name (Chromium, Firefox). `global`
// is globalThis, or node's stand-in.
export const timeZone = (global) => {
  try {
    if (global.Temporal) return global.Temporal.Now.timeZoneId();
  } catch (e) {}
  return global.Intl.DateTimeFormat().resolvedOptions().timeZone;
};
