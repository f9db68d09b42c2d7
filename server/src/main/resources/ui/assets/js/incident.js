// One incident: summary, acknowledge / resolve / assign, comments, timeline, report download.
import {api, badge, el, enc, facts, fill, start, time, $, notice} from './common.js';

const id = decodeURIComponent(location.pathname.split('/')[2] || '');
const base = '/api/v1/incidents/' + enc(id);

function post(path, body) {
  return async () => {
    try { await api(base + path, {method: 'POST', body}); notice(null); } catch (e) { notice(e); }
  };
}

async function render(me) {
  const i = await api(base);
  document.title = 'Incident #' + i.id + ' · Phasegate';
  const operate = me.may('operate');
  // A live refresh must not throw away what the person is typing.
  const typed = field => $('#' + field)?.value;
  const resolution = el('textarea', {id: 'resolution', placeholder: 'How was it resolved? (required)'});
  resolution.value = typed('resolution') || '';
  const comment = el('textarea', {id: 'comment', placeholder: 'Add a comment'});
  comment.value = typed('comment') || '';
  const assignee = el('input', {id: 'assignee', placeholder: 'assignee'});
  assignee.value = typed('assignee') ?? (i.assignee || '');
  fill($('#page'),
    el('div', {class: 'row spread'},
      el('div', {}, el('h1', {text: '#' + i.id + ' ' + i.title}),
        el('div', {class: 'muted'}, i.rollout ? el('a', {href: '/rollouts/' + enc(i.rollout), text: i.rollout}) : 'system-wide')),
      el('div', {class: 'row'}, el('span', {id: 'incident-state'}, badge(i.state)), badge(i.severity === 'sev1' || i.severity === 'sev2' ? 'critical' : 'warning', i.severity))),
    el('section', {class: 'card'},
      i.summary ? el('p', {text: i.summary}) : null,
      facts([['opened', time(i.openedAt)], ['opened by', i.openedBy], ['first signal', time(i.firstSignalAt)],
        ['mitigated', time(i.mitigatedAt)], ['acknowledged', i.acknowledgedAt ? time(i.acknowledgedAt) + ' by ' + i.acknowledgedBy : '—'],
        ['resolved', i.resolvedAt ? time(i.resolvedAt) + ' by ' + i.resolvedBy : '—'], ['assignee', i.assignee || '—']], true),
      i.resolution ? el('p', {}, el('strong', {text: 'Resolution: '}), i.resolution) : null,
      el('p', {class: 'row'}, el('a', {class: 'button', id: 'report-md', href: base + '/report?format=md', download: 'incident-' + i.id + '.md', text: 'Download report (Markdown)'}),
        el('a', {class: 'button', href: base + '/report?format=json', download: 'incident-' + i.id + '.json', text: 'Report (JSON)'}))),
    operate ? el('section', {class: 'card', id: 'incident-controls'},
      el('h2', {text: 'Work the incident'}),
      el('div', {class: 'row'},
        el('button', {id: 'ack', class: 'primary', text: 'Acknowledge', disabled: i.state !== 'open',
          on: {click: async () => { await post('/ack', {})(); await render(me); }}}),
        assignee, el('button', {text: 'Assign', disabled: i.state === 'resolved', on: {click: async () => {
          await post('/assign', {assignee: assignee.value.trim()})(); await render(me);
        }}})),
      i.state !== 'resolved' ? [el('label', {text: 'Resolution'}), resolution,
        el('button', {id: 'resolve', class: 'danger', text: 'Resolve', on: {click: async () => {
          await post('/resolve', {resolution: resolution.value.trim()})(); await render(me);
        }}})] : null,
      el('label', {text: 'Comment'}), comment,
      el('button', {id: 'add-comment', text: 'Add comment', on: {click: async () => {
        await post('/comments', {text: comment.value.trim()})();
        comment.value = '';
        await render(me);
      }}})) : null,
    el('section', {class: 'card', id: 'timeline'}, el('h2', {text: 'Timeline'}),
      el('ul', {class: 'timeline'}, (i.timeline || []).map(t => el('li', {class: t.kind === 'state' ? 'current' : ''},
        el('div', {class: 'small muted'}, time(t.at), ' · ', t.kind, ' · ', t.actor),
        el('div', {text: t.text}))))));
}

start('/incidents', render, ['incidents']);
