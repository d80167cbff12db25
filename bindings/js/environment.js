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
