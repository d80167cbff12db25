// The scripted scroll session every scroll measurement runs (run.mjs,
// scroll-ab.mjs, scroll-trace.mjs), so that their figures compare: down for
// half of it, up for the other half, a mouse-wheel tick every 50 ms, each
// tick sized so that the way down reaches the end of the document.
// Answers how far the page was scrolled at the turn.
export const SCROLL_MS = 10000;
const TICK_MS = 50;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function scrollSession(page, documentPx, viewportPx = 720) {
  await page.mouse.move(640, 400);
  const ticksDown = SCROLL_MS / 2 / TICK_MS;
  const dy = Math.max(40, Math.ceil((documentPx - viewportPx) / ticksDown));
  const t0 = Date.now();
  let turnY = 0;
  for (let k = 0; Date.now() - t0 < SCROLL_MS; k++) {
    await page.mouse.wheel(0, Date.now() - t0 < SCROLL_MS / 2 ? dy : -dy);
    const next = t0 + (k + 1) * TICK_MS;
    if (next > Date.now()) await sleep(next - Date.now());
    if (k === ticksDown - 1) turnY = await page.evaluate(() => scrollY);
  }
  return turnY;
}
