// Line charts on uPlot (loaded by the page from the WebJar as the global uPlot). Guard thresholds are drawn
// as dashed horizontal lines with their label; charts follow their container's width.

const COLORS = ['#2f5bd3', '#8a94a6', '#1a7f37', '#b76e00', '#7b3fc4', '#c62828', '#0f8b8d', '#d9480f'];

/**
 * A chart in container. series: [{label, color, dash, unit}]; thresholds: [{value, label, color}].
 * Returns {update(times, columns, thresholds)} with times as ISO strings or epoch seconds.
 */
export function lineChart(container, {title, series, thresholds = [], height = 220, unit = ''}) {
  const box = document.createElement('div');
  box.className = 'chart';
  if (title) {
    const heading = document.createElement('div');
    heading.className = 'chart-title';
    heading.textContent = title;
    container.append(heading);
  }
  container.append(box);
  let lines = thresholds;
  const fmt = v => v === null || v === undefined ? '—' : Number(v).toLocaleString(undefined, {maximumFractionDigits: 2}) + unit;
  const options = {
    width: Math.max(240, box.clientWidth || container.clientWidth || 300),
    height,
    scales: {x: {time: true, range: (u, min, max) => xRange(min, max)}, y: {range: (u, min, max) => yRange(min, max, lines)}},
    axes: [{}, {values: (u, ticks) => ticks.map(t => Number(t).toLocaleString(undefined, {maximumFractionDigits: 2}) + unit), size: 80}],
    series: [{value: (u, v) => v === null ? '—' : new Date(v * 1000).toLocaleString()},
      ...series.map((s, i) => ({label: s.label, stroke: s.color || COLORS[i % COLORS.length], width: 1.6,
        dash: s.dash, spanGaps: false, value: (u, v) => fmt(v)}))],
    hooks: {draw: [u => drawThresholds(u, lines)]},
  };
  const empty = [[], ...series.map(() => [])];
  const plot = new uPlot(options, empty, box);
  const resize = () => plot.setSize({width: Math.max(240, box.clientWidth), height});
  if (window.ResizeObserver) new ResizeObserver(resize).observe(box);
  return {
    plot,
    update(times, columns, newThresholds) {
      if (newThresholds) lines = newThresholds;
      const xs = times.map(t => typeof t === 'number' ? t : Date.parse(t) / 1000);
      plot.setData([xs, ...columns]);
    },
  };
}

/** At least ten minutes wide, so one point does not stretch the axis over years. */
function xRange(min, max) {
  if (min === null || max === null) {
    const now = Date.now() / 1000;
    return [now - 3600, now];
  }
  return max - min < 600 ? [min - 300, max + 300] : [min, max];
}

function yRange(min, max, lines) {
  let lo = min === null ? 0 : Math.min(min, 0);
  let hi = max === null ? 1 : max;
  for (const line of lines || []) {
    if (Number.isFinite(line.value)) hi = Math.max(hi, line.value * 1.1);
  }
  if (hi <= lo) hi = lo + 1;
  return [lo, hi * 1.05];
}

function drawThresholds(u, lines) {
  const ctx = u.ctx;
  for (const line of lines || []) {
    if (!Number.isFinite(line.value)) continue;
    const y = Math.round(u.valToPos(line.value, 'y', true));
    ctx.save();
    ctx.strokeStyle = line.color || '#c62828';
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.2 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
    ctx.fillStyle = line.color || '#c62828';
    ctx.font = (11 * devicePixelRatio) + 'px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.fillText(line.label, u.bbox.left + u.bbox.width - 4 * devicePixelRatio, y - 4 * devicePixelRatio);
    ctx.restore();
  }
}

/** Threshold lines of a rollout's guards on one metric: [{value, label, color}], converted by scale. */
export function guardLines(guards, metric, scale = 1, scope = null) {
  const lines = [];
  for (const item of guards || []) {
    const g = item.guard || {};
    if (g.metric !== metric || (g.kind && g.kind !== 'threshold')) continue;
    if (scope && g.scope && g.scope !== scope) continue;
    if (Number.isFinite(g.warning)) lines.push({value: g.warning * scale, label: g.name + ' warning', color: '#b76e00'});
    if (Number.isFinite(g.critical)) lines.push({value: g.critical * scale, label: g.name + ' critical', color: '#c62828'});
  }
  return lines;
}

/** Merges two series of points by time: [times, a values, b values] for the given field. */
export function align(a, b, ...fields) {
  const times = [...new Set([...(a || []).map(p => p.t), ...(b || []).map(p => p.t)])].sort();
  const index = list => new Map((list || []).map(p => [p.t, p]));
  const ia = index(a);
  const ib = index(b);
  const columns = [];
  for (const field of fields) {
    columns.push(times.map(t => ia.get(t)?.[field] ?? null));
    columns.push(times.map(t => ib.get(t)?.[field] ?? null));
  }
  return {times, columns};
}
