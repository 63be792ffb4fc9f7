// The progression timeline as SVG: the canary's share (0–100 %) as a step line over time, one
// marker per walk event, and below it one small panel per analysis check with its own scale.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const WEIGHT_HEIGHT = 120;
const CHECK_HEIGHT = 54;
const LEFT = 44;
const RIGHT = 12;
const TOP = 10;
const GAP = 18;

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c);
  return node;
}

function text(x, y, content, attrs = {}) {
  return svg('text', { x, y, ...attrs }, content);
}

function titled(node, title) {
  node.append(svg('title', {}, title));
  return node;
}

function shortTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function round(v) {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
}

/** The canary weight at each sample, carrying the last known value through samples that have none. */
function weightPoints(samples) {
  const points = [];
  let last;
  for (const s of samples) {
    if (s.canaryWeight !== undefined) last = s.canaryWeight;
    if (last !== undefined) points.push({ t: Date.parse(s.at), v: last, s });
  }
  return points;
}

function checkNames(samples) {
  const names = new Set();
  for (const s of samples) for (const name of Object.keys(s.checks)) names.add(name);
  return [...names].sort();
}

/**
 * An SVG chart of `samples` (the server's TimelineSample list) up to `nowMs`; a short note instead
 * when there is nothing to draw yet.
 */
export function timelineChart(samples, nowMs) {
  const points = weightPoints(samples);
  if (samples.length === 0 || points.length === 0) {
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = 'No walk history yet: the timeline fills from the Router\'s walk events and the statuses seen while the dashboard runs.';
    return note;
  }
  const names = checkNames(samples);
  const t0 = Math.min(...samples.map((s) => Date.parse(s.at)));
  const t1 = Math.max(nowMs, ...samples.map((s) => Date.parse(s.at)), t0 + 1000);
  const x = (t) => LEFT + ((t - t0) / (t1 - t0)) * (WIDTH - LEFT - RIGHT);
  const height = TOP + WEIGHT_HEIGHT + GAP + names.length * (CHECK_HEIGHT + GAP) + 6;
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', class: 'timeline', role: 'img', 'aria-label': 'canary weight and check values over time', 'data-samples': samples.length });

  // Canary weight: a step line, since the weight holds until the next step.
  const y = (v) => TOP + WEIGHT_HEIGHT - (v / 100) * WEIGHT_HEIGHT;
  for (const v of [0, 50, 100]) {
    root.append(svg('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: y(v), y2: y(v), class: 'grid' }));
    root.append(text(LEFT - 6, y(v) + 4, `${v}%`, { class: 'axis', 'text-anchor': 'end' }));
  }
  let d = '';
  points.forEach((p, i) => {
    d += i === 0 ? `M${x(p.t)},${y(p.v)}` : `H${x(p.t)}V${y(p.v)}`;
  });
  d += `H${x(t1)}`;
  root.append(svg('path', { d, class: 'weight-line' }));
  for (const s of samples) {
    if (!s.source.startsWith('event:')) continue;
    const t = Date.parse(s.at);
    const p = points.findLast((q) => q.t <= t);
    const reason = s.source.slice('event:'.length);
    root.append(titled(svg('circle', { cx: x(t), cy: y(p ? p.v : 0), r: 4, class: `marker marker-${reason}`, 'data-reason': reason }), `${shortTime(t)} ${s.label}`));
  }
  root.append(text(LEFT, TOP + WEIGHT_HEIGHT + 13, shortTime(t0), { class: 'axis' }));
  root.append(text(WIDTH - RIGHT, TOP + WEIGHT_HEIGHT + 13, shortTime(t1), { class: 'axis', 'text-anchor': 'end' }));

  // One panel per check, scaled to its own values.
  names.forEach((name, i) => {
    const top = TOP + WEIGHT_HEIGHT + GAP + i * (CHECK_HEIGHT + GAP);
    const values = samples.filter((s) => s.checks[name] !== undefined).map((s) => ({ t: Date.parse(s.at), v: s.checks[name] }));
    const lo = Math.min(...values.map((p) => p.v));
    const hi = Math.max(...values.map((p) => p.v));
    const span = hi - lo || Math.abs(hi) || 1;
    const cy = (v) => top + CHECK_HEIGHT - ((v - lo) / span) * (CHECK_HEIGHT - 8) - 4;
    const panel = svg('g', { class: 'check-panel', 'data-check': name });
    panel.append(svg('rect', { x: LEFT, y: top, width: WIDTH - LEFT - RIGHT, height: CHECK_HEIGHT, class: 'panel' }));
    panel.append(text(LEFT + 4, top + 11, `${name} (${round(lo)}–${round(hi)})`, { class: 'axis' }));
    panel.append(svg('polyline', { points: values.map((p) => `${x(p.t)},${cy(p.v)}`).join(' '), class: 'check-line' }));
    for (const p of values) panel.append(titled(svg('circle', { cx: x(p.t), cy: cy(p.v), r: 3, class: 'check-point' }), `${shortTime(p.t)} ${name} = ${round(p.v)}`));
    root.append(panel);
  });
  return root;
}
