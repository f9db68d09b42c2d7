// User activity of a rollout, per phase: active users, sessions and their duration, feature usage,
// feedback ratings and comments.
import {api, el, enc, facts, fill, num, start, table, time, duration, $} from './common.js';
import {lineChart} from './charts.js';

let rollout = new URLSearchParams(location.search).get('rollout');
let usersChart = null;

function total(points, field) {
  return (points || []).reduce((sum, p) => sum + (p[field] || 0), 0);
}

function weighted(points, value, weight) {
  let sum = 0;
  let n = 0;
  for (const p of points || []) {
    if (p[value] !== null && p[value] !== undefined && p[weight]) {
      sum += p[value] * p[weight];
      n += p[weight];
    }
  }
  return n ? sum / n : null;
}

function usage(points) {
  const counts = {};
  for (const p of points || []) for (const [feature, n] of Object.entries(p.featureUsage || {})) counts[feature] = (counts[feature] || 0) + n;
  return Object.entries(counts).sort((a, b) => b[1] - a[1]);
}

function build(rollouts) {
  const select = el('select', {id: 'rollout-select', on: {change: async () => {
    rollout = select.value;
    history.replaceState(null, '', '/activity?rollout=' + enc(rollout));
    await refresh();
  }}}, rollouts.map(r => el('option', {value: r.key, text: r.name ? r.name + ' (' + r.key + ')' : r.key, selected: r.key === rollout})));
  fill($('#page'),
    el('div', {class: 'row spread'}, el('h1', {text: 'User activity'}), el('label', {}, 'Rollout ', select)),
    el('section', {class: 'card', id: 'users-chart'}, el('h2', {text: 'Active users per bucket'})),
    el('div', {id: 'phases', class: 'grid'}),
    el('section', {class: 'card', id: 'feedback'}, el('h2', {text: 'Feedback comments'}), el('div', {class: 'body'})));
  usersChart = lineChart($('#users-chart'), {series: [{label: 'beta'}, {label: 'control'}], height: 200});
}

async function refresh() {
  if (!rollout) {
    fill($('#phases'), el('p', {class: 'muted', text: 'No rollout yet.'}));
    return;
  }
  const m = await api('/api/v1/rollouts/' + enc(rollout) + '/metrics');
  const times = [...new Set([...(m.beta || []), ...(m.control || [])].map(p => p.t))].sort();
  const by = list => new Map((list || []).map(p => [p.t, p]));
  const beta = by(m.beta);
  const control = by(m.control);
  usersChart.update(times, [times.map(t => beta.get(t)?.activeUsers ?? null), times.map(t => control.get(t)?.activeUsers ?? null)]);
  const groups = [...Object.entries(m.phases || {}).map(([phase, points]) => ['Phase ' + phase, points]), ['Control (not enrolled)', m.control]];
  fill($('#phases'), groups.map(([label, points]) => el('section', {class: 'card phase-activity'},
    el('h2', {text: label}),
    facts([['peak active users', num(Math.max(0, ...(points || []).map(p => p.activeUsers || 0)))],
      ['sessions', num(total(points, 'sessions'))],
      ['average session', duration(weighted(points, 'sessionSecondsAvg', 'sessions'))],
      ['feedback', num(total(points, 'feedbackCount'))],
      ['average rating', num(weighted(points, 'feedbackAvg', 'feedbackCount'), 2)]]),
    el('h3', {text: 'Feature usage'}),
    table(['feature', 'uses'], usage(points).map(([f, n]) => [f, num(n)]), 'no feature usage'))));
  fill($('#feedback .body'), table(['when', 'phase', 'user', 'rating', 'comment'], (m.feedback || []).map(f =>
    [time(f.at), f.cohort === 'beta' ? String(f.phase) : 'control', f.userId, '★'.repeat(Math.max(0, Math.min(5, f.rating || 0))) + ' ' + f.rating, f.comment]),
  'no feedback comments'));
}

start('/activity', async () => {
  if (!usersChart) {
    const {items} = await api('/api/v1/rollouts');
    if (!rollout && items.length) rollout = items[0].key;
    build(items);
  }
  await refresh();
}, ['telemetry']);
