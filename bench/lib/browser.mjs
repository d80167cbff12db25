// The headless Chromium every page benchmark runs in: nothing leaves the
// machine (every host but loopback fails to resolve), no background traffic.
export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

export const launchChromium = (chromium) => chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS });
