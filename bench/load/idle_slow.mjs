// Scenario 1, "idle + slow": opens `idle` keep-alive connections that each
// send one batch and then stay open, plus `slow` connections that send a
// partial request and trickle one header byte every `trickleMs`; then sends
// `probes` fresh batches (a new connection each, `probeRate` per second) and
// prints their latency as JSON. Every phase is bounded by time.
//   node bench/load/idle_slow.mjs PORT [--idle=10000 --slow=1000 --probes=200 ...]
import { batchRequest } from './events.mjs';
import { connect, exchange, options, sleep } from './exchange.mjs';
import { clientLag, summarise } from './stats.mjs';

const port = Number(process.argv[2]);
const lag = clientLag();
const cfg = options({
  idle: 10000, slow: 1000, probes: 200, probeRate: 20, probeEvents: 5,
  parallelOpens: 200, openWithinMs: 40000, idleAnswerMs: 20000, trickleMs: 3000, timeoutMs: 15000,
});

// Opens the idle connections, `parallelOpens` at a time, each sending one
// batch (answer awaited at most idleAnswerMs, the socket kept either way).
async function openIdle(deadline) {
  const sockets = [], answers = [];
  let next = 0;
  async function opener() {
    while (next < cfg.idle && performance.now() < deadline) {
      next++;
      const c = await connect(port, cfg.timeoutMs);
      if (c.error) { answers.push(Promise.resolve(c)); continue; }
      sockets.push(c.socket);
      answers.push(exchange(c.socket, batchRequest(1), cfg.idleAnswerMs));
    }
  }
  await Promise.all(Array.from({ length: cfg.parallelOpens }, opener));
  return { sockets, answers: await Promise.all(answers) };
}

// Slowloris-style: a request line and part of the headers, then one byte of
// a header value every trickleMs, never finishing.
async function openSlow(deadline) {
  const sockets = [];
  for (let i = 0; i < cfg.slow && performance.now() < deadline; i++) {
    const c = await connect(port, cfg.timeoutMs);
    if (c.error) continue;
    c.socket.write('POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nX-Trickle: ');
    sockets.push(c.socket);
  }
  const trickle = setInterval(() => { for (const s of sockets) if (!s.destroyed) s.write('a'); }, cfg.trickleMs);
  return { sockets, stop: () => clearInterval(trickle) };
}

async function probe() {
  const c = await connect(port, cfg.timeoutMs);
  if (c.error) return c;
  const result = await exchange(c.socket, batchRequest(cfg.probeEvents), cfg.timeoutMs);
  c.socket.destroy();
  return result;
}

async function sendProbes() {
  const pending = [];
  const t0 = performance.now();
  for (let i = 0; i < cfg.probes; i++) {
    await sleep(Math.max(0, t0 + (i * 1000) / cfg.probeRate - performance.now()));
    pending.push(probe());
  }
  return Promise.all(pending);
}

const open = (sockets) => sockets.filter((s) => !s.destroyed).length;
const t0 = performance.now();
const idle = await openIdle(t0 + cfg.openWithinMs);
const tIdle = performance.now();
const slow = await openSlow(performance.now() + cfg.openWithinMs);
const before = { idle: open(idle.sockets), slow: open(slow.sockets) };
lag.reset();  // the client's delay while the probes run, not while it opened 11,000 sockets
const probes = await sendProbes();
const after = { idle: open(idle.sockets), slow: open(slow.sockets) };
slow.stop();
for (const s of [...idle.sockets, ...slow.sockets]) s.destroy();
console.log(JSON.stringify({
  scenario: 'idle+slow', config: cfg,
  idle_phase_s: Math.round((tIdle - t0) / 100) / 10,
  idle_requests: summarise(idle.answers),
  open_at_probe_start: before, open_at_probe_end: after,
  slow_opened: slow.sockets.length,
  probes: summarise(probes),
  client_lag: lag.report(),
}));
