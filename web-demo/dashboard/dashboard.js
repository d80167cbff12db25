// The microtrack dashboard: live feed (Server-Sent Events), micro-conversion
// counts, a funnel chart with drop-off, the campaign comparison and a funnel
// builder. Talks only to the collector that serves it (/api/...). All event
// data is put in the page as text (textContent), never as HTML.
import { funnelChart, shareBar, dayChart, html, percent, plural, truncate } from './chart.js';

const PRESETS = {
  newsletter: {
    title: 'Newsletter: landing → scroll → video → form → submit',
    steps: ['page:path=/', 'scroll_depth:percent=50', 'video_start', 'form_start:form_id=newsletter',
      'form_submit:form_id=newsletter'],
  },
  plans: {
    title: 'Plans: landing → pricing → plan chosen → thanks',
    steps: ['page:path=/', 'page:path=/pricing.html', 'plan_select', 'page:path=/thanks.html'],
  },
  reading: {
    title: 'Reading depth: landing → 25 → 50 → 75 → 100 %',
    steps: ['page:path=/', 'scroll_depth:percent=25', 'scroll_depth:percent=50', 'scroll_depth:percent=75',
      'scroll_depth:percent=100'],
  },
};
const FEED_MAX = 100;

const $ = (id) => document.getElementById(id);

// --- state in the URL hash: #step=page%3Apath%3D%2F&step=...&window_ms=...&by=... --
function readState() {
  const q = new URLSearchParams(location.hash.slice(1));
  const steps = q.getAll('step').filter(Boolean);
  return {
    steps: steps.length ? steps : PRESETS.newsletter.steps,
    window_ms: q.get('window_ms') || '1800000',
    by: q.get('by') || 'campaign',
  };
}
function writeState(state) {
  const q = new URLSearchParams();
  for (const s of state.steps) q.append('step', s);
  q.set('window_ms', state.window_ms);
  q.set('by', state.by);
  const hash = `#${q}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

// The API answers 401 once the login has expired (or there was none): the
// session cookie travels with same-origin fetches by itself.
const LOGIN_PAGE = '/dashboard/login';
function toLogin() {
  location.assign(LOGIN_PAGE);
}

async function getJson(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  if (res.status === 401) {
    toLogin();
    throw new Error('login needed');
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

// --- funnel builder -------------------------------------------------------
function splitStep(text) {
  const i = text.indexOf(':');
  return i < 0 ? { event: text, where: '' } : { event: text.slice(0, i), where: text.slice(i + 1) };
}
function joinStep(event, where) {
  const conditions = where.split(',').map((s) => s.trim()).filter(Boolean).join(',');
  return conditions ? `${event.trim()}:${conditions}` : event.trim();
}

function stepRow(text) {
  const { event, where } = splitStep(text);
  const li = html('li');
  const row = html('div', 'step-row');
  const name = html('input', 'event');
  name.value = event;
  name.placeholder = 'event, e.g. scroll_depth';
  name.setAttribute('list', 'event-names');
  name.setAttribute('aria-label', 'event name');
  name.required = true;
  const cond = html('input', 'where');
  cond.value = where;
  cond.placeholder = 'conditions, e.g. percent=50';
  cond.setAttribute('aria-label', 'property conditions');
  const up = html('button', 'icon', '↑');
  const down = html('button', 'icon', '↓');
  const remove = html('button', 'icon', '✕');
  for (const [b, label] of [[up, 'move up'], [down, 'move down'], [remove, 'remove step']]) {
    b.type = 'button';
    b.setAttribute('aria-label', label);
  }
  up.addEventListener('click', () => li.previousElementSibling && li.parentNode.insertBefore(li, li.previousElementSibling));
  down.addEventListener('click', () => li.nextElementSibling && li.parentNode.insertBefore(li.nextElementSibling, li));
  remove.addEventListener('click', () => { if (li.parentNode.children.length > 1) li.remove(); });
  row.append(name, cond, up, down, remove);
  li.append(row);
  return li;
}

function fillBuilder(state) {
  const list = $('steps');
  list.replaceChildren(...state.steps.map(stepRow));
  $('window').value = state.window_ms;
  $('by').value = state.by;
  const preset = Object.entries(PRESETS).find(([, p]) => p.steps.join('|') === state.steps.join('|'));
  $('preset').value = preset ? preset[0] : '';
}

function builderState() {
  const steps = [...$('steps').querySelectorAll('li')]
    .map((li) => joinStep(li.querySelector('input.event').value, li.querySelector('input.where').value))
    .filter(Boolean);
  return { steps, window_ms: $('window').value, by: $('by').value };
}

function setupBuilder() {
  const preset = $('preset');
  preset.append(new Option('(custom)', ''));
  for (const [key, p] of Object.entries(PRESETS)) preset.append(new Option(p.title, key));
  preset.addEventListener('change', () => {
    const p = PRESETS[preset.value];
    if (!p) return;
    const state = { ...builderState(), steps: p.steps };
    fillBuilder(state);
    apply(state);
  });
  $('add-step').addEventListener('click', () => $('steps').append(stepRow('')));
  $('builder-form').addEventListener('submit', (e) => {
    e.preventDefault();
    apply(builderState());
  });
  for (const id of ['window', 'by']) $(id).addEventListener('change', () => apply(builderState()));
  window.addEventListener('hashchange', () => {
    const state = readState();
    fillBuilder(state);
    refreshFunnel(state);
  });
}

function apply(state) {
  writeState(state);
  refreshFunnel(state);
}

// --- funnel and campaigns -------------------------------------------------
let funnelSeq = 0;
async function refreshFunnel(state = readState()) {
  const seq = ++funnelSeq;
  const q = new URLSearchParams();
  for (const s of state.steps) q.append('step', s);
  q.set('window_ms', state.window_ms);
  q.set('by', state.by);
  const chart = $('funnel-chart');
  let report;
  try {
    report = await getJson(`/api/funnel?${q}`);
  } catch (e) {
    if (seq !== funnelSeq) return;
    chart.replaceChildren(html('p', 'empty', `Cannot compute this funnel: ${e.message}`));
    $('campaigns').replaceChildren();
    return;
  }
  if (seq !== funnelSeq) return; // a newer request won
  const steps = report.steps;
  const last = steps[steps.length - 1];
  $('funnel-summary').textContent = report.visitors
    ? `${plural(report.visitors, 'visitor')} started; ${last.count} reached the last step (${percent(last.conversion_from_start)}).`
    : 'No visitor has taken the first step yet.';
  chart.replaceChildren(funnelChart(steps));
  chart.dataset.counts = steps.map((s) => s.count).join(',');
  renderCampaigns(report.groups || [], steps, state.by);
}

function campaignName(group, by) {
  if (by === 'campaign') return [group.source, group.medium, group.name].join(' / ');
  return group[by];
}

function renderCampaigns(groups, steps, by) {
  const box = $('campaigns');
  if (!groups.length) {
    box.replaceChildren(html('p', 'empty', 'No campaign data yet.'));
    return;
  }
  const table = html('table', 'campaigns');
  const head = html('tr');
  head.append(html('th', '', by === 'campaign' ? 'source / medium / name' : by));
  steps.forEach((s, i) => {
    const th = html('th', '', `${i + 1}. ${truncate(s.label, 24)}`);
    th.title = s.label;
    head.append(th);
  });
  head.append(html('th', '', 'converted'));
  table.append(html('thead'));
  table.tHead.append(head);
  const body = html('tbody');
  for (const g of groups) {
    const tr = html('tr');
    tr.dataset.campaign = campaignName(g, by);
    tr.append(html('td', 'name', campaignName(g, by)));
    g.steps.forEach((s, i) => {
      const td = html('td', 'n', s.count);
      if (i > 0 && s.drop_off !== null) td.title = `${percent(s.drop_off)} drop-off from the step before`;
      tr.append(td);
    });
    const share = g.steps[g.steps.length - 1].conversion_from_start;
    const conv = html('td', 'conv');
    conv.append(shareBar(share || 0), document.createTextNode(` ${percent(share)}`));
    tr.append(conv);
    body.append(tr);
  }
  table.append(body);
  box.replaceChildren(table);
}

// --- counts ----------------------------------------------------------------
async function refreshCounts() {
  let totals;
  try {
    totals = await getJson('/api/totals');
  } catch (e) {
    $('counts-summary').textContent = `unavailable: ${e.message}`;
    return;
  }
  $('counts-summary').textContent = `${totals.total} events from ${totals.visitors} visitors`;
  const list = $('counts');
  list.replaceChildren(...totals.events.map((e) => {
    const li = html('li');
    li.dataset.name = e.name;
    li.append(html('span', 'name', e.name), html('span', 'n', e.count), html('span', 'v', plural(e.visitors, 'visitor')));
    return li;
  }));
  const names = $('event-names');
  names.replaceChildren(...['page', 'identify', ...totals.events.map((e) => e.name)]
    .filter((v, i, a) => a.indexOf(v) === i).map((n) => new Option(n)));
  const perDay = new Map();
  for (const d of totals.days) perDay.set(d.day, (perDay.get(d.day) || 0) + d.count);
  $('days').replaceChildren(perDay.size ? dayChart([...perDay].map(([day, count]) => ({ day, count }))) : html('p', 'empty', 'No events yet.'));
}

// --- live feed ---------------------------------------------------------------
let feedCount = 0;
function feedItem(ev) {
  const li = html('li', 'fresh');
  const t = new Date(ev.correctedTimestamp || ev.receivedAt || Date.now());
  li.append(html('span', 'time', Number.isNaN(t.getTime()) ? '' : t.toLocaleTimeString()));
  li.append(html('span', 'type', ev.type));
  const props = ev.type === 'identify' ? ev.traits : ev.properties;
  const name = ev.type === 'track' ? ev.event : ev.type === 'page' ? (props && props.path) || ev.name || 'page' : ev.userId;
  li.append(html('span', 'name', truncate(name ?? '', 80)));
  const who = ev.anonymousId ? `visitor ${String(ev.anonymousId).slice(0, 8)}` : `user ${ev.userId}`;
  const campaign = ev.context && ev.context.campaign && ev.context.campaign.source ? ` · from ${ev.context.campaign.source}` : '';
  const shown = props && typeof props === 'object'
    ? Object.entries(props).filter(([k]) => !['url', 'title', 'referrer', 'search'].includes(k))
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ')
    : '';
  li.append(html('span', 'meta', truncate(`${who}${campaign}${shown ? ' · ' + shown : ''}`, 220)));
  li.dataset.messageId = ev.messageId;
  return li;
}

let refreshTimer = null;
function scheduleRefresh() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    refreshCounts();
    refreshFunnel();
  }, 1500);
}

function connectStream() {
  const status = $('status');
  const source = new EventSource('/api/stream?backlog=50');
  source.addEventListener('open', () => {
    status.dataset.state = 'live';
    status.textContent = 'live';
  });
  source.addEventListener('error', () => {
    status.dataset.state = 'reconnecting';
    status.textContent = 'reconnecting…'; // EventSource retries by itself (retry: 2000)
    // EventSource does not show the status: a 401 ends it (readyState CLOSED).
    if (source.readyState === EventSource.CLOSED)
      fetch('/api/events?limit=0').then((res) => { if (res.status === 401) toLogin(); }, () => {});
  });
  source.addEventListener('event', (msg) => {
    let ev;
    try { ev = JSON.parse(msg.data); } catch { return; }
    const feed = $('feed');
    feed.prepend(feedItem(ev));
    while (feed.children.length > FEED_MAX) feed.lastElementChild.remove();
    feedCount += 1;
    $('feed-summary').textContent = `${feedCount} events received`;
    scheduleRefresh();
  });
}

function start() {
  setupBuilder();
  const state = readState();
  fillBuilder(state);
  writeState(state);
  refreshCounts();
  refreshFunnel(state);
  connectStream();
}

start();
