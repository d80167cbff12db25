// SVG charts built with DOM calls only. Every piece of event data becomes a
// text node (textContent), never markup, so a property holding
// "<img onerror=…>" is shown as those characters and never runs.

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes (numbers and plain strings; never event data as markup). */
export function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

/** An HTML element with a class and text content. */
export function html(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = String(text);
  return el;
}

/** 0.3333 -> "33.3%"; null -> "–". */
export function percent(x) {
  return x === null || x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

/**
 * The funnel as horizontal bars, one row per step, each with its count and
 * its conversion from the start; between rows, the drop-off from the step
 * before. `steps` is the API's report.steps.
 */
export function funnelChart(steps) {
  const width = 900, labelW = 260, barX = labelW + 10, barMax = width - barX - 150;
  const rowH = 34, gapH = 22;
  const height = steps.length * rowH + Math.max(0, steps.length - 1) * gapH + 8;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Funnel chart', class: 'funnel' });
  const first = steps.length ? steps[0].count : 0;
  const max = Math.max(1, ...steps.map((s) => s.count));
  steps.forEach((step, i) => {
    const y = i * (rowH + gapH) + 4;
    const g = svg('g', { class: 'step', 'data-index': i, 'data-count': step.count });
    g.append(svg('title', {}, `${step.label}: ${step.count} visitors`));
    g.append(svg('text', { x: 0, y: y + rowH / 2 + 5, class: 'label' }, truncate(step.label, 36)));
    g.append(svg('rect', { x: barX, y, width: barMax, height: rowH, rx: 4, class: 'bar-bg' }));
    const w = step.count ? Math.max(2, (step.count / max) * barMax) : 0;
    g.append(svg('rect', { x: barX, y, width: w.toFixed(1), height: rowH, rx: 4, class: 'bar' }));
    g.append(svg('text', { x: barX + barMax + 10, y: y + rowH / 2 + 5, class: 'count' }, step.count));
    g.append(svg('text', { x: barX + barMax + 60, y: y + rowH / 2 + 5, class: 'conv' },
      first ? percent(step.count / first) : '–'));
    root.append(g);
    if (i + 1 < steps.length) {
      const next = steps[i + 1];
      const drop = svg('text', { x: barX + 4, y: y + rowH + gapH / 2 + 5, class: 'dropoff', 'data-index': i + 1 },
        next.drop_off === null ? '↓ no visitors' : `↓ ${percent(next.drop_off)} drop-off (${plural(step.count - next.count, 'visitor')} left)`);
      root.append(drop);
    }
  });
  return root;
}

/** A small horizontal bar for a share 0..1. */
export function shareBar(share, width = 120, height = 14) {
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, 'aria-hidden': 'true' });
  root.append(svg('rect', { x: 0, y: 0, width, height, rx: 3, class: 'bar-bg' }));
  const w = share ? Math.max(1, share * width) : 0;
  root.append(svg('rect', { x: 0, y: 0, width: w.toFixed(1), height, rx: 3, class: 'bar' }));
  return root;
}

/** Events per day as columns. `days` is [{day, count}] in order. */
export function dayChart(days) {
  const width = 600, height = 120, base = height - 20;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Events per day' });
  const max = Math.max(1, ...days.map((d) => d.count));
  const slot = width / Math.max(1, days.length);
  const barW = Math.min(48, slot * 0.7);
  days.forEach((d, i) => {
    const h = (d.count / max) * (base - 16);
    const x = i * slot + (slot - barW) / 2;
    const g = svg('g', { class: 'daybar', 'data-day': d.day, 'data-count': d.count });
    g.append(svg('title', {}, `${d.day}: ${d.count} events`));
    g.append(svg('rect', { x: x.toFixed(1), y: (base - h).toFixed(1), width: barW.toFixed(1), height: h.toFixed(1), class: 'day' }));
    g.append(svg('text', { x: (x + barW / 2).toFixed(1), y: (base - h - 4).toFixed(1), 'text-anchor': 'middle', class: 'conv' }, d.count));
    if (days.length <= 14 || i % Math.ceil(days.length / 14) === 0)
      g.append(svg('text', { x: (x + barW / 2).toFixed(1), y: height - 4, 'text-anchor': 'middle', class: 'conv' }, d.day.slice(5)));
    root.append(g);
  });
  return root;
}

/** 1 -> "1 visitor", 2 -> "2 visitors". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function truncate(text, n) {
  const s = String(text);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
