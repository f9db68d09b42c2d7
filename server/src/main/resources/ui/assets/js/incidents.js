// The incident list, newest first, with state and severity.
import {api, badge, el, enc, fill, start, table, time, $} from './common.js';

async function render() {
  const state = new URLSearchParams(location.search).get('state');
  const list = await api('/api/v1/incidents?limit=200' + (state ? '&state=' + enc(state) : ''));
  const filters = el('div', {class: 'row'}, [['', 'All'], ['open', 'Open'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved']].map(([value, label]) =>
    el('a', {href: '/incidents' + (value ? '?state=' + value : ''), text: label, class: (state || '') === value ? 'badge' : ''})));
  fill($('#page'), el('h1', {text: 'Incidents'}), filters,
    el('section', {class: 'card', id: 'incidents'}, table(['incident', 'state', 'severity', 'rollout', 'opened', 'resolved'], list.items.map(i => [
      el('a', {href: '/incidents/' + i.id, text: '#' + i.id + ' ' + i.title}), badge(i.state), badge(i.severity === 'sev1' || i.severity === 'sev2' ? 'critical' : 'warning', i.severity),
      i.rollout ? el('a', {href: '/rollouts/' + enc(i.rollout), text: i.rollout}) : 'system', time(i.openedAt), time(i.resolvedAt)]), 'no incident')));
}

start('/incidents', render, ['incidents']);
