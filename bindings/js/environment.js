// The browser's environment as the core's start() reads it (JSON text):
// context.userAgent, locale, timezone and screen (CONTRACT §4), and whether
// the visitor asked not to be tracked (Global Privacy Control or Do Not
// Track), which the core honours unless respectDoNotTrack is off. The
// objects are passed in, so that node's tests can stand them in.
export const environmentJson = (nav, screen, timezone) => JSON.stringify({
  userAgent: nav.userAgent,
  locale: nav.language,
  timezone,
  screenWidth: screen.width,
  screenHeight: screen.height,
  doNotTrack: nav.globalPrivacyControl === true || nav.doNotTrack === '1'
});

// The visitor's time zone (an IANA name) where it comes cheap: Temporal.Now
// reads ICU's default zone without building a date formatter. '' where the
// browser has no Temporal: start.js then asks Intl.DateTimeFormat, whose
// first use builds one from ICU's locale data (15-55 ms measured on the
// bench machine, a long task on its own under load: bench/RESULTS.md), in a
// task of its own. Both answer the same name (Chromium, Firefox).
export const quickTimeZone = (temporal) => {
  try {
    return temporal ? temporal.Now.timeZoneId() : '';
  } catch (e) {
    return '';
  }
};
