// Every script a page runs over a phase, promise reactions included, from a
// Chromium trace of the phase. CDP's ScriptDuration (Performance.getMetrics)
// counts the callbacks Blink calls (timers, listeners, observers,
// queueMicrotask) but not the promise reactions V8 runs itself, so work in a
// `.then` leaves that figure without leaving the main thread; the trace has
// both: Blink's `v8.callFunction` / `v8.run` / `v8.evaluateModule` spans
// (category v8: what ScriptDuration adds up) and V8's `RunMicrotasks` spans
// (category v8.execute: every microtask checkpoint, reactions included).
// The figure is the length of the union of those spans on the page's main
// thread (they nest: a checkpoint can run inside a callback, a
// queueMicrotask callback is a v8.callFunction inside a checkpoint), so
// nothing counts twice; garbage collections that run inside them count, as
// they do in ScriptDuration. The harness's own calls into the page (CDP
// Runtime.evaluate / callFunctionOn: page.evaluate) are left out, as
// ScriptDuration leaves them out: the spans inside a
// `DevToolsSession::DispatchProtocolCommand` (category devtools) and the
// microtask checkpoints that send a CDP answer (`SendProtocolResponse`, the
// reaction of page.evaluate's promise) — a tracker's reaction run in the same
// checkpoint is lost with it, which the harness makes rare by calling into the
// page only a few times per phase. bench/script-costs.mjs checks the figure
// against known work. V8's sampling profiler (CDP Profiler) was tried first and dropped: it
// counted 0.9–1.4 ms for 2 ms of work in a timer, a queueMicrotask or a `.then`.
const CATEGORIES = ['v8', 'v8.execute', 'blink.user_timing', 'devtools'];
const ENTRY = new Set(['v8.callFunction', 'v8.run', 'v8.evaluateModule', 'RunMicrotasks']);
const MARK = '__bench_script_trace';
const CDP_COMMAND = 'DevToolsSession::DispatchProtocolCommand';
const CDP_ANSWER = 'DevToolsSession::SendProtocolResponse';
const KEEP = new Set([...ENTRY, CDP_COMMAND, CDP_ANSWER]);

// The length, in ms, of the union of [start, end) spans (µs).
export function unionMs(spans) {
  let total = 0, end = -Infinity;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total / 1000;
}

// The script ms of a trace's events: the entry spans on the thread that
// recorded the mark (the page's main thread), after the mark, but the
// harness's (CDP's).
export function scriptMsOf(events) {
  const mark = events.find((e) => e.name === MARK);
  if (!mark) return null;
  const main = events.filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X' && e.ts >= mark.ts);
  const within = (e, outer) => e.ts >= outer.ts && e.ts + e.dur <= outer.ts + outer.dur;
  const commands = main.filter((e) => e.name === CDP_COMMAND);
  const answers = main.filter((e) => e.name === CDP_ANSWER);
  const harness = (e) => commands.some((c) => within(e, c)) || answers.some((a) => within(a, e));
  const entries = main.filter((e) => ENTRY.has(e.name));
  const spans = entries.filter((e) => !harness(e)).map((e) => [e.ts, e.ts + e.dur]);
  return { ms: unionMs(spans), spans: spans.length, harnessSpans: entries.length - spans.length };
}

// Starts tracing on a page's CDP session (browser-wide: one at a time) and
// marks the page's main thread; answers a function that ends the trace and
// answers { ms, spans } (null if the mark was lost).
export async function startScriptTrace(cdp, page) {
  const events = [];
  const collect = ({ value }) => {
    for (const e of value) if (e.name === MARK || (e.ph === 'X' && KEEP.has(e.name))) events.push(e);
  };
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' },
    transferMode: 'ReportEvents' });
  await page.evaluate((mark) => performance.mark(mark), MARK);
  return async () => {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', collect);
    return scriptMsOf(events);
  };
}
