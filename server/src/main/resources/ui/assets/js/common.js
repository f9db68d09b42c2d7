// Shared helpers of every page. Data is only ever put on a page with textContent and DOM APIs, never
// innerHTML: a user id like <img src=x onerror=alert(1)> shows as text.

let csrfToken = null;

/** Builds an element: el('a', {href: '/x', class: 'c', text: 'hi', on: {click: f}}, child, ...). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = value;
    else if (key === 'on') for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'style') Object.assign(node.style, value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Replaces a container's children. */
export function fill(container, ...children) {
  container.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
}

/** A time in the browser's zone. */
export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

/** A number for people: '—' when missing. */
export function num(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return Number(value).toLocaleString(undefined, {maximumFractionDigits: digits, minimumFractionDigits: 0});
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

export function badge(state, text) {
  return el('span', {class: 'badge ' + String(state || '').replace(/[^a-z_-]/gi, ''), text: text || state || '—'});
}

/** An enrolled / capacity bar. */
export function bar(value, max) {
  const share = max > 0 ? Math.min(1, value / max) : 0;
  return el('div', {class: 'bar' + (share >= 1 ? ' full' : ''), title: value + ' / ' + max},
    el('span', {style: {width: (share * 100).toFixed(1) + '%'}}));
}

/** The API with the session cookie; changes carry the CSRF token. Throws Error(detail) on a problem. */
export async function api(path, {method = 'GET', body} = {}) {
  const headers = {Accept: 'application/json'};
  if (method !== 'GET') {
    headers['X-CSRF-Token'] = csrfToken;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, {method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body)});
  if (response.status === 401) {
    location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
    throw new Error('signed out');
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error((json && (json.detail || json.title)) || ('HTTP ' + response.status));
    error.status = response.status;
    throw error;
  }
  return json;
}

/** The signed-in person: {user, role, permissions, csrfToken}. */
export async function session() {
  const me = await api('/ui/session');
  csrfToken = me.csrfToken;
  me.may = permission => me.permissions.includes(permission);
  return me;
}

const PAGES = [['/', 'Rollouts'], ['/performance', 'Performance'], ['/alerts', 'Alerts'], ['/incidents', 'Incidents'],
  ['/activity', 'Activity']];

/** The page header: navigation, who is signed in, the live indicator, sign-out. */
export function header(me, active) {
  const live = el('span', {class: 'live', id: 'live', title: 'live updates'});
  const logout = el('button', {id: 'logout', text: 'Sign out', on: {click: async () => {
    try { await api('/ui/logout', {method: 'POST'}); } finally { location.assign('/login'); }
  }}});
  const nav = el('header', {class: 'nav'},
    el('a', {class: 'brand', href: '/', text: 'Phasegate'}),
    el('nav', {}, PAGES.map(([href, label]) => el('a', {href, text: label, class: href === active ? 'active' : ''}))),
    el('div', {class: 'who'}, live, el('span', {id: 'who', text: me.user + ' (' + me.role + ')'}), logout));
  document.body.prepend(nav);
}

/** Shows an error in the page's notice area. */
export function notice(error) {
  const box = $('#notice');
  if (box) box.textContent = error ? String(error.message || error) : '';
}

/**
 * Listens to the dashboards' stream and calls refresh (at most every 300 ms, at least once per burst) when
 * a change of one of the topics arrives; rollout, when given, keeps only that rollout's changes (and global ones).
 */
export function live(topics, refresh, rollout = null) {
  let timer = null;
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(async () => {
      timer = null;
      try { await refresh(); notice(null); } catch (e) { notice(e); }
    }, 300);
  };
  const source = new EventSource('/ui/stream');
  source.addEventListener('hello', () => $('#live')?.classList.add('on'));
  source.addEventListener('changed', event => {
    const change = JSON.parse(event.data);
    if (!topics.includes(change.topic)) return;
    if (rollout && change.rollout && change.rollout !== rollout) return;
    schedule();
  });
  source.onerror = () => $('#live')?.classList.remove('on');
  source.onopen = () => $('#live')?.classList.add('on');
  return source;
}

/** Starts a page: session, header, first render, live updates. */
export async function start(active, render, topics, rollout = null) {
  let me;
  try {
    me = await session();
  } catch (e) {
    return;
  }
  header(me, active);
  try { await render(me); notice(null); } catch (e) { notice(e); }
  if (topics && topics.length) live(topics, () => render(me), rollout);
}

/** A key/value list for details. */
export function facts(pairs, compact = false) {
  return el('div', {class: compact ? 'stats compact' : 'stats'}, pairs.filter(Boolean).map(([label, value, id]) =>
    el('div', {class: 'stat'}, el('div', {class: 'value', id, text: value}), el('div', {class: 'label', text: label}))));
}

/** A table from column names and rows of cells (strings or nodes). */
export function table(columns, rows, empty = 'nothing yet') {
  if (!rows.length) return el('p', {class: 'muted', text: empty});
  return el('div', {class: 'table-wrap'}, el('table', {},
    el('thead', {}, el('tr', {}, columns.map(c => el('th', {text: c})))),
    el('tbody', {}, rows.map(cells => el('tr', {}, cells.map(c => el('td', {}, c ?? '—')))))));
}

export const enc = encodeURIComponent;
