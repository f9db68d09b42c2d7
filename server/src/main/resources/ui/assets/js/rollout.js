// One rollout: state and controls, phase timeline with features, live telemetry figures, enrollment chart,
// enrolled users and waitlist, readiness, recent decisions with explanations, rollbacks and SDK instances.
import {api, badge, bar, el, enc, facts, fill, num, start, table, time, $, notice} from './common.js';
import {lineChart} from './charts.js';

const key = decodeURIComponent(location.pathname.split('/')[2] || '');
const base = '/api/v1/rollouts/' + enc(key);
let built = false;
let enrollmentChart = null;

function section(id, title, ...extra) {
  return el('section', {class: 'card', id}, el('h2', {text: title}), ...extra, el('div', {class: 'body'}));
}

function body(id) {
  return $('#' + id + ' .body');
}

function build(me) {
  const page = $('#page');
  fill(page,
    el('div', {id: 'summary'}),
    me.may('operate') ? controls() : null,
    el('div', {class: 'grid wide'},
      section('telemetry', 'Telemetry (last hour)'),
      section('enrollment', 'Enrollment')),
    section('phases', 'Phases'),
    el('div', {class: 'grid wide'},
      section('readiness', 'Readiness of the current phase'),
      section('decisions', 'Recent decisions')),
    el('div', {class: 'grid wide'},
      section('enrolled', 'Enrolled users'),
      section('waitlist', 'Waitlist')),
    el('div', {class: 'grid wide'},
      section('rollbacks', 'Rollbacks'),
      section('sdk', 'SDK instances')));
  enrollmentChart = lineChart(body('enrollment'), {title: 'users enrolled over time (first 1,000)',
    series: [{label: 'enrolled'}], height: 180});
  built = true;
}

function controls() {
  const reason = el('input', {id: 'reason', placeholder: 'reason (optional; required to resume after a rollback)', size: 40});
  const transition = (action, label, cls) => el('button', {id: action, class: cls, text: label, on: {click: async () => {
    try {
      const payload = reason.value.trim() ? {reason: reason.value.trim()} : {};
      await api(base + '/' + action, {method: 'POST', body: payload});
      reason.value = '';
      notice(null);
      await refresh();
    } catch (e) { notice(e); }
  }}});
  const rollbackReason = el('textarea', {id: 'rollback-reason', placeholder: 'Why roll back now? (required)'});
  const severity = el('select', {id: 'rollback-severity'}, ['sev1', 'sev2', 'sev3', 'sev4'].map(s =>
    el('option', {value: s, text: s, selected: s === 'sev2'})));
  const all = el('input', {type: 'checkbox', id: 'rollback-all'});
  const dialog = el('dialog', {id: 'rollback-dialog'},
    el('h2', {text: 'Emergency rollback'}),
    el('p', {}, 'Roll back ', el('strong', {text: key}), ' now? Enrollment stops, features are withdrawn, users and contacts are told, and an incident is opened.'),
    el('p', {class: 'muted', id: 'rollback-dialog-reason'}),
    el('div', {class: 'row'},
      el('button', {id: 'cancel-rollback', text: 'Cancel', on: {click: () => dialog.close()}}),
      el('button', {id: 'confirm-rollback', class: 'danger', text: 'Confirm rollback', on: {click: async () => {
        dialog.close();
        try {
          await api(base + '/rollback', {method: 'POST', body: {reason: rollbackReason.value.trim(), severity: severity.value, all: all.checked}});
          rollbackReason.value = '';
          notice(null);
          await refresh();
        } catch (e) { notice(e); }
      }}})));
  return el('section', {class: 'card', id: 'controls'},
    el('h2', {text: 'Controls'}),
    el('div', {class: 'row'}, transition('advance', 'Advance', 'primary'), transition('pause', 'Pause'),
      transition('resume', 'Resume'), transition('complete', 'Complete'), reason),
    el('h3', {text: 'Emergency rollback'}),
    rollbackReason,
    el('div', {class: 'row'}, el('label', {}, 'Severity ', severity), el('label', {}, all, ' withdraw every feature'),
      el('button', {id: 'rollback', class: 'danger', text: 'Emergency rollback…', on: {click: () => {
        if (!rollbackReason.value.trim()) {
          notice(new Error('An emergency rollback needs a reason.'));
          rollbackReason.focus();
          return;
        }
        $('#rollback-dialog-reason').textContent = 'Reason: ' + rollbackReason.value.trim();
        dialog.showModal();
      }}})),
    dialog);
}

function updateControls(r) {
  if (!$('#controls')) return;
  const last = r.currentPhase >= r.phaseCount;
  $('#advance').disabled = !(r.state === 'active' && !last);
  $('#pause').disabled = r.state !== 'active';
  $('#resume').disabled = !(r.state === 'paused' || r.state === 'rolled_back');
  $('#complete').disabled = !(r.state === 'active' && last);
  $('#rollback').disabled = ['draft', 'completed', 'rolled_back'].includes(r.state);
}

function sum(points, field) {
  return (points || []).reduce((total, p) => total + (p[field] || 0), 0);
}

function lastValue(points, field) {
  for (let i = (points || []).length - 1; i >= 0; i--) if (points[i][field] !== null && points[i][field] !== undefined) return points[i][field];
  return null;
}

async function refresh() {
  const [r, readiness, guards, guardian, runs, sdk, metrics, enrolled, waitlist, all] = await Promise.all([
    api(base),
    api(base + '/readiness').catch(e => ({error: e.message})),
    api(base + '/guards').catch(() => ({items: []})),
    api(base + '/guardian?limit=10').catch(() => ({items: []})),
    api(base + '/rollbacks?limit=5').catch(() => ({items: []})),
    api('/api/v1/sdk/instances').catch(() => null),
    api(base + '/metrics').catch(() => null),
    api(base + '/enrollments?status=enrolled&limit=100'),
    api(base + '/enrollments?status=waitlisted&limit=100'),
    api(base + '/enrollments?limit=1000'),
  ]);
  document.title = (r.name || r.key) + ' · Phasegate';
  fill($('#summary'),
    el('div', {class: 'row spread'},
      el('div', {}, el('h1', {text: r.name || r.key}), el('div', {class: 'muted', text: r.key})),
      el('div', {class: 'row'}, el('span', {id: 'state'}, badge(r.state, r.state.replace('_', ' '))),
        el('span', {id: 'phase', text: 'Phase ' + r.currentPhase + ' of ' + r.phaseCount + (r.currentPhaseName ? ' · ' + r.currentPhaseName : '')}))),
    el('div', {class: 'card'},
      facts([['enrolled / capacity', num(r.enrolled) + ' / ' + num(r.capacity), 'enrolled'],
        ['waiting', num(r.waitlisted), 'waitlisted'],
        ['phase started', time(r.phaseStartedAt)],
        ['features withdrawn', r.featuresWithdrawn ? 'yes' : 'no']]),
      bar(r.enrolled, r.capacity)));
  updateControls(r);

  const beta = metrics?.beta || [];
  const control = metrics?.control || [];
  const betaRequests = sum(beta, 'requests');
  const betaErrors = sum(beta, 'errors');
  fill(body('telemetry'), facts([
    ['beta requests', num(betaRequests), 'beta-requests'],
    ['beta error rate', betaRequests ? num(100 * betaErrors / betaRequests, 2) + ' %' : '—', 'beta-error-rate'],
    ['beta p95 (latest)', lastValue(beta, 'p95') === null ? '—' : num(lastValue(beta, 'p95'), 1) + ' ms', 'beta-p95'],
    ['control requests', num(sum(control, 'requests')), 'control-requests'],
    ['beta sessions', num(sum(beta, 'sessions')), 'beta-sessions'],
    ['feedback', num(sum(beta, 'feedbackCount')), 'beta-feedback'],
  ]), el('p', {class: 'small'}, el('a', {href: '/performance?rollout=' + enc(key), text: 'Performance charts →'}), ' ',
    el('a', {href: '/activity?rollout=' + enc(key), text: 'User activity →'})));

  const joined = (all.items || []).filter(e => e.createdAt).map(e => Date.parse(e.createdAt) / 1000).sort((a, b) => a - b);
  // The count holds until now: the line reaches the right edge.
  if (joined.length) joined.push(Math.max(joined[joined.length - 1], Date.now() / 1000));
  enrollmentChart.update(joined, [joined.map((_, i) => Math.min(i + 1, joined.length - 1))]);

  fill(body('phases'), el('div', {class: 'phases'}, (r.phases || []).map(p => el('div', {
    class: 'phase' + (p.current ? ' current' : p.number < r.currentPhase ? ' past' : ''), dataset: {phase: p.number}},
  el('div', {class: 'row spread'}, el('strong', {text: p.number + ' · ' + p.name}), p.current ? badge('active', 'current') : null),
  el('div', {class: 'small', text: 'capacity ' + num(p.capacity) + (p.percentage ? ' · ' + p.percentage + ' % of all users' : '')}),
  el('div', {class: 'small muted', text: num(p.joined) + ' joined in this phase'}),
  el('div', {class: 'chips'}, (p.features || []).map(f => el('span', {class: 'chip', text: f})))))));

  if (readiness.error) {
    fill(body('readiness'), el('p', {class: 'muted', text: readiness.error}));
  } else {
    fill(body('readiness'),
      el('p', {}, badge(readiness.ready ? 'ok' : 'pending', readiness.ready ? 'ready' : 'not ready'), ' ',
        el('span', {id: 'readiness-reason', text: readiness.reason || ''})),
      table(['criterion', 'met', 'value', 'required', 'detail'], (readiness.criteria || []).map(c =>
        [c.name, badge(c.met ? 'ok' : 'critical', c.met ? 'met' : 'not met'), String(c.value ?? '—'), String(c.required ?? '—'), c.detail])));
  }

  const latest = (guards.items || []).filter(i => i.latest).map(i => i.latest);
  fill(body('decisions'),
    el('h3', {text: 'Guards'}),
    table(['guard', 'result', 'when', 'explanation'], latest.map(d => [d.guard, badge(d.result), time(d.at), d.explanation]), 'no guard evaluated yet'),
    el('h3', {text: 'Guardian'}),
    table(['when', 'action', 'outcome', 'why'], (guardian.items || []).map(d =>
      [time(d.at), d.action, d.outcome, d.basis?.summary || d.basis?.reason || '']), 'no guardian decision'));

  fill(body('enrolled'),
    el('p', {class: 'muted small', text: 'First ' + enrolled.items.length + ' in arrival order'}),
    table(['user', 'joined in phase', 'since'], enrolled.items.map(e => [el('span', {class: 'user-id', text: e.userId}), String(e.joinedPhase ?? '—'), time(e.createdAt)]), 'nobody enrolled yet'));
  fill(body('waitlist'),
    table(['position', 'user', 'since'], waitlist.items.map(e => [String(e.position ?? '—'), el('span', {class: 'user-id', text: e.userId}), time(e.createdAt)]), 'nobody waiting'));

  const run = (runs.items || [])[0];
  fill(body('rollbacks'), run
    ? [el('p', {}, badge(run.state), ' run ', String(run.id), ' by ', el('strong', {text: run.actor}), ' · ', time(run.startedAt)),
      el('p', {class: 'small', text: run.reason}),
      table(['step', 'state', 'attempts'], (run.steps || []).map(s => [s.step, badge(s.state), String(s.attempts)])),
      run.outcome ? el('p', {class: 'small muted', text: 'Outcome: ' + run.outcome}) : null]
    : el('p', {class: 'muted', text: 'No rollback of this rollout.'}));

  fill(body('sdk'), sdk
    ? [el('p', {}, el('strong', {id: 'sdk-on-latest', text: num(sdk.onLatest) + ' of ' + num(sdk.instances)}),
      ' SDK instance(s) on the latest rules version ' + sdk.latestVersion),
    table(['instance', 'sdk', 'version', 'last seen'], (sdk.items || []).slice(0, 50).map(i =>
      [i.instanceId, i.sdk, String(i.version) + (i.version === sdk.latestVersion ? ' (latest)' : ''), time(i.lastSeen)]), 'no SDK has reported')]
    : el('p', {class: 'muted', text: 'unavailable'}));
}

start('/', async me => {
  if (!built) build(me);
  await refresh();
}, ['rollouts', 'telemetry', 'alerts', 'incidents', 'decisions'], key);
