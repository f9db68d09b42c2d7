// The rollouts list: state, phase, enrolled / capacity, waitlist and the latest guard decision of each.
import {api, badge, bar, el, enc, fill, num, start, time, $} from './common.js';

/** The newest guard decision of a rollout, or null. */
export function latestDecision(guards) {
  let latest = null;
  for (const item of guards.items || []) {
    if (item.latest && (!latest || item.latest.at > latest.at)) latest = item.latest;
  }
  return latest;
}

async function render() {
  const {items} = await api('/api/v1/rollouts');
  const guards = await Promise.all(items.map(r => api('/api/v1/rollouts/' + enc(r.key) + '/guards').catch(() => ({items: []}))));
  const cards = items.map((r, i) => {
    const decision = latestDecision(guards[i]);
    return el('article', {class: 'card rollout', dataset: {key: r.key}},
      el('div', {class: 'row spread'},
        el('h2', {}, el('a', {href: '/rollouts/' + enc(r.key), text: r.name || r.key})),
        badge(r.state, r.state.replace('_', ' '))),
      el('div', {class: 'muted small', text: r.key}),
      el('div', {class: 'row spread'},
        el('span', {text: 'Phase ' + r.currentPhase + ' of ' + r.phaseCount + (r.currentPhaseName ? ' · ' + r.currentPhaseName : '')}),
        el('span', {class: 'enrolled', text: num(r.enrolled) + ' / ' + num(r.capacity) + ' enrolled'})),
      bar(r.enrolled, r.capacity),
      el('div', {class: 'row spread small'},
        el('span', {class: 'waitlist', text: num(r.waitlisted) + ' waiting'}),
        el('span', {class: 'muted', text: 'since ' + time(r.phaseStartedAt)})),
      el('div', {class: 'small decision'}, decision
        ? [badge(decision.result), ' ', el('strong', {text: decision.guard}), ' ', el('span', {class: 'muted', text: time(decision.at)}),
          el('div', {class: 'muted', text: decision.explanation || ''})]
        : el('span', {class: 'muted', text: 'no guard decision yet'})));
  });
  fill($('#page'),
    el('div', {class: 'row spread'}, el('h1', {text: 'Rollouts'}), el('span', {class: 'muted', text: items.length + ' rollout(s)'})),
    items.length ? el('div', {class: 'grid', id: 'rollouts'}, cards)
      : el('p', {class: 'muted', text: 'No rollouts yet. Apply a plan: phasegate apply -f plan.yaml'}));
}

start('/', render, ['rollouts', 'decisions', 'alerts', 'telemetry']);
