// Scenario 2, "browser-like arrivals": `clients` clients arrive evenly over
// `overMs`; each opens a connection, sends one batch of `events` SDK-shaped
// events, reads the answer, and holds the connection `holdMs` as Chromium
// keeps an idle socket, then closes it. Prints JSON: answered-200 count,
// latency (first byte written -> response read) and, separately, the time
// from starting to connect to the response (a full accept queue shows there).
//   node bench/load/arrivals.mjs PORT [--clients=5000 --overMs=10000 --events=5 ...]
import { batchRequest } from './events.mjs';
import { connect, exchange, options, sleep } from './exchange.mjs';
import { clientLag, summarise } from './stats.mjs';

const port = Number(process.argv[2]);
const lag = clientLag();
const cfg = options({ clients: 5000, overMs: 10000, events: 5, holdMs: 5000, timeoutMs: 15000 });

async function client() {
  const t0 = performance.now();
  const c = await connect(port, cfg.timeoutMs);
  if (c.error) return { exchange: c, total: c };
  const result = await exchange(c.socket, batchRequest(cfg.events), cfg.timeoutMs);
  const total = { ...result, ms: performance.now() - t0 };
  await sleep(cfg.holdMs);
  const heldOpen = !c.socket.destroyed;
  c.socket.destroy();
  return { exchange: result, total, heldOpen };
}

const t0 = performance.now();
const spacingMs = cfg.overMs / cfg.clients;
const running = [];
// Arrivals follow the wall clock, not the timer: each pass starts every
// client whose arrival time has come (bounded: clients are finite).
while (running.length < cfg.clients) {
  const due = Math.min(cfg.clients, Math.floor((performance.now() - t0) / spacingMs) + 1);
  while (running.length < due) running.push(client());
  await sleep(1);
}
const arrivalSpreadS = (performance.now() - t0) / 1000;
const results = await Promise.all(running);
console.log(JSON.stringify({
  scenario: 'arrivals', config: cfg, arrival_spread_s: Math.round(arrivalSpreadS * 100) / 100,
  requests: summarise(results.map((r) => r.exchange)),
  connect_to_response: summarise(results.map((r) => r.total)),
  closed_by_server_during_hold: results.filter((r) => r.heldOpen === false).length,
  events_answered_200: results.filter((r) => r.exchange.status === 200).length * cfg.events,
  events_sent: cfg.clients * cfg.events,
  client_lag: lag.report(),
}));
