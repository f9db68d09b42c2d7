// Alerts: firing, pending and silenced ones with acknowledge and silence, the history, and silences.
import {api, badge, el, enc, fill, start, table, time, $, notice} from './common.js';

let me = null;
let built = false;

function build() {
  const form = me.may('operate') ? silenceForm() : null;
  fill($('#page'),
    el('h1', {text: 'Alerts'}),
    el('div', {class: 'grid wide'},
      el('section', {class: 'card', id: 'firing'}, el('h2', {text: 'Firing'}), el('div', {class: 'body'})),
      el('section', {class: 'card', id: 'pending'}, el('h2', {text: 'Pending'}), el('div', {class: 'body'}))),
    el('section', {class: 'card', id: 'silenced'}, el('h2', {text: 'Silenced'}), el('div', {class: 'body'})),
    el('section', {class: 'card', id: 'silences'}, el('h2', {text: 'Silences'}), form, el('div', {class: 'body'})),
    el('section', {class: 'card', id: 'history'}, el('h2', {text: 'History'}), el('div', {class: 'body'})));
  built = true;
}

function silenceForm() {
  const rollout = el('input', {id: 'silence-rollout', placeholder: 'rollout key'});
  const guard = el('input', {id: 'silence-guard', placeholder: 'guard (optional)'});
  const hours = el('input', {id: 'silence-hours', type: 'number', min: '0.25', step: '0.25', value: '2', size: 5});
  const comment = el('input', {id: 'silence-comment', placeholder: 'why (required)'});
  return el('form', {class: 'inline', id: 'silence-form', on: {submit: async event => {
    event.preventDefault();
    const matchers = [];
    if (rollout.value.trim()) matchers.push({name: 'rollout', value: rollout.value.trim()});
    if (guard.value.trim()) matchers.push({name: 'guard', value: guard.value.trim()});
    const endsAt = new Date(Date.now() + Number(hours.value || 1) * 3600 * 1000).toISOString();
    try {
      await api('/api/v1/silences', {method: 'POST', body: {matchers, endsAt, comment: comment.value.trim()}});
      comment.value = '';
      await render();
    } catch (e) { notice(e); }
  }}},
  el('div', {}, el('label', {text: 'Rollout'}), rollout), el('div', {}, el('label', {text: 'Guard'}), guard),
  el('div', {}, el('label', {text: 'Hours'}), hours), el('div', {}, el('label', {text: 'Comment'}), comment),
  el('button', {class: 'primary', type: 'submit', text: 'Silence'}));
}

function actions(alert) {
  if (!me.may('operate') || alert.state === 'resolved') return '';
  return el('div', {class: 'row'},
    el('button', {class: 'ack', text: alert.acknowledgement ? 'Acknowledge again' : 'Acknowledge', on: {click: async () => {
      try { await api('/api/v1/alerts/' + alert.id + '/ack', {method: 'POST', body: {}}); await render(); } catch (e) { notice(e); }
    }}}),
    el('button', {class: 'silence', text: 'Silence…', on: {click: () => {
      $('#silence-rollout').value = alert.rollout || '';
      $('#silence-guard').value = alert.guard || '';
      $('#silence-comment').focus();
    }}}));
}

function alertRows(alerts) {
  return alerts.map(a => [
    el('div', {}, badge(a.severity), ' ', el('strong', {text: a.guard}), a.rollout ? [' · ', el('a', {href: '/rollouts/' + enc(a.rollout), text: a.rollout})] : null),
    el('div', {class: 'small', text: a.summary || ''}),
    el('div', {class: 'small muted'}, 'since ', time(a.activeSince), a.acknowledgement ? ' · acknowledged by ' + a.acknowledgement.by : ''),
    actions(a)]).map(([head, summary, meta, buttons]) => [el('div', {}, head, summary, meta), buttons]);
}

async function render() {
  if (!built) build();
  const [firing, pending, resolved, silences] = await Promise.all([
    api('/api/v1/alerts?state=firing&limit=200'), api('/api/v1/alerts?state=pending&limit=200'),
    api('/api/v1/alerts?state=resolved&limit=50'), api('/api/v1/silences')]);
  const loud = list => list.filter(a => !a.silenced);
  const quiet = [...firing.items, ...pending.items].filter(a => a.silenced);
  fill($('#firing .body'), table(['alert', ''], alertRows(loud(firing.items)), 'nothing firing'));
  fill($('#pending .body'), table(['alert', ''], alertRows(loud(pending.items)), 'nothing pending'));
  fill($('#silenced .body'), table(['alert', ''], alertRows(quiet), 'nothing silenced'));
  fill($('#history .body'), table(['resolved', 'alert', 'summary', 'active'], resolved.items.map(a =>
    [time(a.resolvedAt), el('span', {}, badge(a.severity), ' ', a.guard, a.rollout ? ' · ' + a.rollout : ''), a.summary || '', time(a.activeSince)]), 'no resolved alert'));
  fill($('#silences .body'), table(['matchers', 'state', 'until', 'comment', ''], silences.items.map(s => [
    s.matchers.map(m => m.name + (m.isRegex ? '=~' : '=') + m.value).join(', '), badge(s.state), time(s.endsAt),
    s.comment + ' — ' + s.createdBy,
    me.may('operate') && s.state !== 'expired' ? el('button', {text: 'Expire', on: {click: async () => {
      try { await api('/api/v1/silences/' + s.id + '/expire', {method: 'POST'}); await render(); } catch (e) { notice(e); }
    }}}) : '']), 'no silence'));
}

start('/alerts', async session => { me = session; await render(); }, ['alerts']);
