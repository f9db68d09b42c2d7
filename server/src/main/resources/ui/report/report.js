// The self-contained rollout report: draws the embedded JSON with DOM APIs (textContent only) and uPlot.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);

  function el(tag, props) {
    var node = document.createElement(tag);
    props = props || {};
    Object.keys(props).forEach(function (k) {
      if (props[k] === undefined || props[k] === null) return;
      if (k === 'text') node.textContent = String(props[k]);
      else if (k === 'class') node.className = props[k];
      else node.setAttribute(k, String(props[k]));
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) child.forEach(function (c) { if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c)); });
      else node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  function time(iso) { return iso ? new Date(iso).toLocaleString() : '—'; }
  function num(v, d) { return v === null || v === undefined ? '—' : Number(v).toLocaleString(undefined, {maximumFractionDigits: d || 0}); }
  function badge(s, t) { return el('span', {class: 'badge ' + String(s || '').replace(/[^a-z_-]/gi, ''), text: t || s || '—'}); }
  function table(cols, rows, empty) {
    if (!rows.length) return el('p', {class: 'muted', text: empty || 'nothing'});
    return el('div', {class: 'table-wrap'}, el('table', {}, el('thead', {}, el('tr', {}, cols.map(function (c) { return el('th', {text: c}); }))),
      el('tbody', {}, rows.map(function (r) { return el('tr', {}, r.map(function (c) { return el('td', {}, c === null || c === undefined ? '—' : c); })); }))));
  }
  function card(title) {
    var rest = Array.prototype.slice.call(arguments, 1);
    return el('section', {class: 'card'}, el('h2', {text: title}), rest);
  }
  function chart(title, points, fields, lines, unit) {
    var box = el('div', {class: 'chart'});
    var section = card(title, box);
    setTimeout(function () {
      var times = [];
      var seen = {};
      points.forEach(function (s) { (s.list || []).forEach(function (p) { if (!seen[p.t]) { seen[p.t] = 1; times.push(p.t); } }); });
      times.sort();
      var cols = [times.map(function (t) { return Date.parse(t) / 1000; })];
      var series = [{}];
      points.forEach(function (s) {
        var byT = {};
        (s.list || []).forEach(function (p) { byT[p.t] = p; });
        fields.forEach(function (f) {
          cols.push(times.map(function (t) { var v = byT[t] && byT[t][f.field]; return v === undefined ? null : v; }));
          series.push({label: s.label + ' ' + f.label, stroke: s.label === 'beta' ? f.beta : f.control, width: 1.5});
        });
      });
      new uPlot({width: Math.max(280, box.clientWidth), height: 220, series: series, scales: {x: {time: true}, y: {range: function (u, min, max) {
          var lo = min === null ? 0 : Math.min(min, 0);
          var hi = max === null ? 1 : max;
          (lines || []).forEach(function (l) { hi = Math.max(hi, l.value * 1.1); });
          return [lo, hi <= lo ? lo + 1 : hi * 1.05];
        }}},
        axes: [{}, {size: 60, values: function (u, ts) { return ts.map(function (t) { return num(t, 2) + (unit || ''); }); }}],
        hooks: {draw: [function (u) {
          (lines || []).forEach(function (l) {
            var y = Math.round(u.valToPos(l.value, 'y', true));
            var c = u.ctx;
            c.save(); c.strokeStyle = l.color; c.setLineDash([6, 4]); c.beginPath();
            c.moveTo(u.bbox.left, y); c.lineTo(u.bbox.left + u.bbox.width, y); c.stroke();
            c.fillStyle = l.color; c.textAlign = 'right'; c.fillText(l.label, u.bbox.left + u.bbox.width - 4, y - 4); c.restore();
          });
        }]}}, cols, box);
    }, 0);
    return section;
  }
  function lines(guards, metric, scale) {
    var out = [];
    ((guards && guards.items) || []).forEach(function (i) {
      var g = i.guard || {};
      if (g.metric !== metric || (g.kind && g.kind !== 'threshold')) return;
      if (g.warning !== undefined && g.warning !== null) out.push({value: g.warning * scale, label: g.name + ' warning', color: '#b76e00'});
      if (g.critical !== undefined && g.critical !== null) out.push({value: g.critical * scale, label: g.name + ' critical', color: '#c62828'});
    });
    return out;
  }

  var r = data.rollout || {};
  var m = data.metrics || {};
  var page = document.getElementById('page');
  page.replaceChildren(
    el('div', {class: 'row spread'},
      el('div', {}, el('h1', {text: (r.name || r.key) + ' — rollout report'}), el('div', {class: 'muted', text: r.key})),
      el('div', {class: 'row'}, badge(r.state, r.state), el('span', {text: 'Phase ' + r.currentPhase + ' of ' + r.phaseCount + (r.currentPhaseName ? ' · ' + r.currentPhaseName : '')}))),
    el('p', {class: 'muted small', text: 'Snapshot taken ' + time(data.generatedAt) + ' from ' + (data.server || 'the server') + '; metrics ' + time(m.from) + ' – ' + time(m.to) + '.'}),
    card('Phases', el('div', {class: 'phases'}, (r.phases || []).map(function (p) {
      return el('div', {class: 'phase' + (p.current ? ' current' : '')}, el('strong', {text: p.number + ' · ' + p.name}),
        el('div', {class: 'small', text: 'capacity ' + num(p.capacity) + ' · ' + num(p.joined) + ' joined'}),
        el('div', {class: 'chips'}, (p.features || []).map(function (f) { return el('span', {class: 'chip', text: f}); })));
    })), el('p', {text: num(r.enrolled) + ' / ' + num(r.capacity) + ' enrolled, ' + num(r.waitlisted) + ' waiting'})),
    el('div', {class: 'grid wide'},
      chart('Latency p95 (ms)', [{label: 'beta', list: m.beta}, {label: 'control', list: m.control}],
        [{field: 'p95', label: 'p95', beta: '#2f5bd3', control: '#8a94a6'}], lines(data.guards, 'p95-latency', 1000), ' ms'),
      chart('Error rate (%)', [{label: 'beta', list: m.beta}, {label: 'control', list: m.control}],
        [{field: 'errorRate', label: '', beta: '#2f5bd3', control: '#8a94a6'}], lines(data.guards, 'error-rate', 1), ' %'),
      chart('Requests per step', [{label: 'beta', list: m.beta}, {label: 'control', list: m.control}],
        [{field: 'requests', label: '', beta: '#2f5bd3', control: '#8a94a6'}], [], '')),
    card('Readiness', data.readiness ? [el('p', {}, badge(data.readiness.ready ? 'ok' : 'pending', data.readiness.ready ? 'ready' : 'not ready'), ' ', data.readiness.reason || ''),
      table(['criterion', 'met', 'value', 'required', 'detail'], (data.readiness.criteria || []).map(function (c) {
        return [c.name, c.met ? 'yes' : 'no', String(c.value === undefined ? '—' : c.value), String(c.required === undefined ? '—' : c.required), c.detail]; }))] : el('p', {class: 'muted', text: 'unavailable'})),
    card('Guards and their latest decisions', table(['guard', 'result', 'when', 'explanation'],
      ((data.guards && data.guards.items) || []).map(function (i) { return [i.guard.name, i.latest ? badge(i.latest.result) : '—', i.latest ? time(i.latest.at) : '—', i.latest ? i.latest.explanation : 'not evaluated']; }), 'no guards')),
    card('Guardian decisions', table(['when', 'action', 'outcome', 'why'], ((data.guardian && data.guardian.items) || []).map(function (d) {
      return [time(d.at), d.action, d.outcome, (d.basis && (d.basis.summary || d.basis.reason)) || '']; }), 'none')),
    card('Rollbacks', table(['run', 'state', 'by', 'reason', 'started', 'outcome'], ((data.rollbacks && data.rollbacks.items) || []).map(function (x) {
      return [String(x.id), badge(x.state), x.actor, x.reason, time(x.startedAt), x.outcome || '']; }), 'none')),
    card('Alerts', table(['alert', 'state', 'severity', 'since', 'summary'], ((data.alerts && data.alerts.items) || []).map(function (a) {
      return [a.guard, badge(a.state), badge(a.severity), time(a.activeSince), a.summary || '']; }), 'none')),
    card('Incidents', table(['incident', 'state', 'severity', 'opened', 'resolved'], ((data.incidents && data.incidents.items) || []).map(function (i) {
      return ['#' + i.id + ' ' + i.title, badge(i.state), i.severity, time(i.openedAt), time(i.resolvedAt)]; }), 'none')));
})();
