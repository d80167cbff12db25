// The headless Chromium every page benchmark runs in: nothing leaves the
// machine (every host but loopback fails to resolve), no background traffic.
export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

export const launchChromium = (chromium) => chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS });

// A fresh context (cold cache, empty storage) at the benches' viewport, the
// harness's script in every page, and a CDP session with Performance on.
export const openBenchPage = async (browser, initScript) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await context.addInitScript(initScript);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    return { context, page, cdp };
  } catch (e) {
    await context.close();
    throw e;
  }
};
