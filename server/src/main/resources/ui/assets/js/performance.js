// Performance: the host (CPU, memory, disk, network) and a rollout's latency, error rate and throughput,
// beta against control on the same chart, with the guards' thresholds as lines and trend forecasts.
import {api, badge, el, enc, fill, num, start, table, time, duration, $} from './common.js';
import {align, guardLines, lineChart} from './charts.js';

let charts = null;
let rollout = new URLSearchParams(location.search).get('rollout');

function card(id, title) {
  return el('section', {class: 'card', id}, el('h2', {text: title}));
}

function build(rollouts) {
  const select = el('select', {id: 'rollout-select', on: {change: async () => {
    rollout = select.value;
    history.replaceState(null, '', '/performance?rollout=' + enc(rollout));
    await refresh();
  }}}, rollouts.map(r => el('option', {value: r.key, text: r.name ? r.name + ' (' + r.key + ')' : r.key, selected: r.key === rollout})));
  fill($('#page'),
    el('div', {class: 'row spread'}, el('h1', {text: 'Performance'}), el('label', {}, 'Rollout ', select)),
    el('h2', {text: 'Rollout: beta against control'}),
    el('div', {class: 'grid wide'}, card('latency', 'Latency (ms)'), card('errors', 'Error rate (%)')),
    el('div', {class: 'grid wide'}, card('throughput', 'Throughput (requests per step)'), card('forecast', 'Trend forecasts')),
    el('h2', {text: 'System'}),
    el('div', {class: 'grid wide'}, card('cpu', 'CPU (%)'), card('memory', 'Memory (%)')),
    el('div', {class: 'grid wide'}, card('disk', 'Disk (%)'), card('network', 'Network (bytes/s)')));
  const beta = '#2f5bd3';
  const control = '#8a94a6';
  charts = {
    latency: lineChart($('#latency'), {unit: ' ms', series: [
      {label: 'beta p50', color: '#7fa0ec'}, {label: 'control p50', color: '#c3c9d4'},
      {label: 'beta p95', color: beta}, {label: 'control p95', color: control},
      {label: 'beta p99', color: '#1b3a8c', dash: [4, 3]}, {label: 'control p99', color: '#555e6e', dash: [4, 3]}]}),
    errors: lineChart($('#errors'), {unit: ' %', series: [{label: 'beta', color: beta}, {label: 'control', color: control}]}),
    throughput: lineChart($('#throughput'), {series: [{label: 'beta', color: beta}, {label: 'control', color: control}]}),
    cpu: lineChart($('#cpu'), {unit: ' %', series: [{label: 'system'}, {label: 'this process'}]}),
    memory: lineChart($('#memory'), {unit: ' %', series: [{label: 'used'}]}),
    disk: lineChart($('#disk'), {unit: ' %', series: [{label: 'used'}]}),
    network: lineChart($('#network'), {series: [{label: 'received'}, {label: 'sent'}]}),
  };
}

/** Trend guards' forecasts as lines on the chart of their metric. */
function forecastLines(guards, metric, scale = 1) {
  return (guards.items || []).filter(i => i.guard?.kind === 'trend' && i.guard?.metric === metric && Number.isFinite(i.latest?.observed))
    .map(i => ({value: i.latest.observed * scale, label: i.guard.name + ' forecast in ' + (i.guard.horizon || 'horizon'), color: '#7b3fc4'}));
}

async function refresh() {
  const [metrics, guards, system] = await Promise.all([
    rollout ? api('/api/v1/rollouts/' + enc(rollout) + '/metrics') : null,
    rollout ? api('/api/v1/rollouts/' + enc(rollout) + '/guards') : {items: []},
    api('/api/v1/system/metrics')]);
  if (metrics) {
    const lat = align(metrics.beta, metrics.control, 'p50', 'p95', 'p99');
    const latencyLines = ['p50', 'p95', 'p99'].flatMap(q => guardLines(guards.items, q + '-latency', 1000));
    charts.latency.update(lat.times, lat.columns, latencyLines);
    const err = align(metrics.beta, metrics.control, 'errorRate');
    charts.errors.update(err.times, err.columns, guardLines(guards.items, 'error-rate'));
    const req = align(metrics.beta, metrics.control, 'requests');
    charts.throughput.update(req.times, req.columns, []);
  }
  const trends = (guards.items || []).filter(i => i.guard?.kind === 'trend');
  fill($('#forecast'), el('h2', {text: 'Trend forecasts'}), table(['guard', 'result', 'forecast', 'interval', 'time to cross', 'explanation'],
    trends.map(i => [i.guard.name + ' (' + i.guard.metric + ')', i.latest ? badge(i.latest.result) : '—',
      i.latest ? num(i.latest.observed, 2) : '—', i.latest && i.latest.lower !== undefined ? num(i.latest.lower, 2) + ' – ' + num(i.latest.upper, 2) : '—',
      i.latest?.figures?.timeToCrossSeconds !== undefined ? duration(i.latest.figures.timeToCrossSeconds) : '—',
      i.latest?.explanation || 'not evaluated yet']), 'this rollout has no trend guard'));
  const points = system.points || [];
  const at = points.map(p => p.at);
  const col = field => points.map(p => p[field] ?? null);
  charts.cpu.update(at, [col('systemCpuPercent'), col('processCpuPercent')], [...guardLines(guards.items, 'cpu'), ...forecastLines(guards, 'cpu')]);
  charts.memory.update(at, [col('memoryUsedPercent')], [...guardLines(guards.items, 'memory'), ...forecastLines(guards, 'memory')]);
  charts.disk.update(at, [col('diskUsedPercent')], [...guardLines(guards.items, 'disk'), ...forecastLines(guards, 'disk')]);
  charts.network.update(at, [col('netRxBytesPerSecond'), col('netTxBytesPerSecond')], []);
}

start('/performance', async () => {
  if (!charts) {
    const {items} = await api('/api/v1/rollouts');
    if (!rollout && items.length) rollout = items[0].key;
    build(items);
  }
  await refresh();
}, ['telemetry', 'decisions', 'rollouts']);
