/**
 * The dashboard page's script, run in the browser: it opens the event stream next to the page's own
 * URL and redraws every panel from each frame. It builds the DOM with `textContent` only (policy
 * names and error messages are never parsed as HTML) and keeps a short history per series for the
 * sparklines. No template literals here: this text sits inside one.
 */
export const pageScript = String.raw`
'use strict';
(function () {
  var HISTORY = 60;
  var SPAN_MS = 120000;
  var series = new Map();
  var base = location.pathname.replace(/\/+$/, '');
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') node.textContent = String(attrs[name]);
      else if (name === 'style') node.setAttribute('style', attrs[name]);
      else node.setAttribute(name, attrs[name]);
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.appendChild(arguments[i]);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }
  function fmt(n) { return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10); }
  function pct(r) { return r === null || r === undefined ? 'n/a' : Math.round(r * 100) + ' %'; }
  function clock(ms) { return new Date(ms).toLocaleTimeString(); }
  function seconds(ms) { return ms >= 1000 ? fmt(ms / 1000) + ' s' : Math.round(ms) + ' ms'; }

  function track(id, value) {
    var points = series.get(id) || [];
    points.push(value);
    if (points.length > HISTORY) points.shift();
    series.set(id, points);
    return points;
  }
  function sparkline(lines) {
    var max = 1;
    lines.forEach(function (line) { line.points.forEach(function (v) { if (v > max) max = v; }); });
    var box = svg('svg', { viewBox: '0 0 ' + (HISTORY - 1) + ' 30', preserveAspectRatio: 'none', class: 'spark' });
    lines.forEach(function (line) {
      // Grows from the left for the first minute, then scrolls.
      var coords = line.points.map(function (v, i) { return i + ',' + (29 - (v / max) * 28).toFixed(1); });
      if (coords.length === 1) coords.push('1,' + coords[0].split(',')[1]);
      box.appendChild(svg('polyline', { points: coords.join(' '), class: 'line ' + line.cls }));
    });
    return box;
  }
  function stat(label, value, field) {
    return el('div', { class: 'stat' }, el('span', { class: 'label', text: label }), el('span', { class: 'value', text: value, 'data-field': field }));
  }
  function bar(used, limit, cls) {
    var ratio = limit > 0 ? Math.min(1, used / limit) : 0;
    return el('div', { class: 'bar' }, el('div', { class: 'fill ' + (cls || (ratio >= 1 ? 'bad' : ratio >= 0.8 ? 'warn' : 'ok')), style: 'width:' + (ratio * 100).toFixed(1) + '%' }));
  }
  function legend(items) {
    var node = el('div', { class: 'legend' });
    items.forEach(function (item) { node.appendChild(el('span', { class: 'key ' + item[1], text: item[0] })); });
    return node;
  }

  function timeline(entries, now) {
    var strip = el('div', { class: 'strip', title: 'last ' + SPAN_MS / 1000 + ' s' });
    var start = now - SPAN_MS;
    entries.forEach(function (entry, i) {
      var from = Math.max(entry.at, start);
      var to = i + 1 < entries.length ? entries[i + 1].at : now;
      if (to <= start || to <= from) return;
      strip.appendChild(el('div', { class: 'seg ' + entry.to, style: 'width:' + ((to - from) / SPAN_MS * 100).toFixed(2) + '%', title: entry.to + ' since ' + clock(entry.at) }));
    });
    var list = el('ol', { class: 'changes' });
    entries.slice(-6).reverse().forEach(function (entry) {
      var text = entry.from === entry.to ? entry.to + ' (' + entry.reason + ')' : entry.from + ' \u2192 ' + entry.to + ' (' + entry.reason + ')';
      list.appendChild(el('li', {}, el('time', { text: clock(entry.at) }), el('span', { text: text })));
    });
    return el('div', { class: 'timeline' }, strip, list);
  }

  function breakerCard(b, now) {
    var id = 'cb:' + b.name;
    var ok = track(id + ':ok', b.successesPerSecond), bad = track(id + ':bad', b.failuresPerSecond), rej = track(id + ':rej', b.rejectedPerSecond);
    var rate = b.failureRate !== null ? b.failureRate : b.calls > 0 ? b.failures / b.calls : null;
    return el('article', { class: 'card', 'data-breaker': b.name, 'data-state': b.state },
      el('header', {}, el('h3', { text: b.name }), el('span', { class: 'badge ' + b.state, text: b.state, 'data-field': 'state' })),
      el('div', { class: 'stats' },
        stat('failure rate', pct(rate), 'failure-rate'),
        stat('calls in window', String(b.calls), 'calls'),
        stat('consecutive failures', String(b.consecutiveFailures), 'consecutive'),
        stat(b.retryAfterMs > 0 ? 'retry in' : 'in state for', seconds(b.retryAfterMs > 0 ? b.retryAfterMs : b.timeInStateMs), 'timing')),
      bar(rate || 0, 1, !rate ? 'ok' : rate >= 0.5 ? 'bad' : 'warn'),
      sparkline([{ points: ok, cls: 'ok' }, { points: bad, cls: 'bad' }, { points: rej, cls: 'warn' }]),
      legend([['success/s ' + fmt(b.successesPerSecond), 'ok'], ['failure/s ' + fmt(b.failuresPerSecond), 'bad'], ['rejected/s ' + fmt(b.rejectedPerSecond), 'warn']]),
      timeline(b.timeline, now));
  }

  function rateLimitCard(r) {
    var allowed = track('rl:' + r.name + ':ok', r.allowedPerSecond), limited = track('rl:' + r.name + ':lim', r.limitedPerSecond);
    return el('article', { class: 'card', 'data-rate-limit': r.name },
      el('header', {}, el('h3', { text: r.name }), el('span', { class: 'badge ' + r.health, text: r.health })),
      el('div', { class: 'stats' },
        stat('allowed/s', fmt(r.allowedPerSecond), 'allowed-per-second'),
        stat('limited/s', fmt(r.limitedPerSecond), 'limited-per-second'),
        stat('queued', String(r.queued), 'queued'),
        stat('total allowed / limited', r.allowed + ' / ' + r.limited, 'totals')),
      sparkline([{ points: allowed, cls: 'ok' }, { points: limited, cls: 'bad' }]),
      legend([['allowed/s', 'ok'], ['limited/s', 'bad']]));
  }

  function quotaCard(q) {
    var rows = el('table', { class: 'usage' }, el('tr', {}, el('th', { text: 'key' }), el('th', { text: 'window' }), el('th', { text: 'used' }), el('th', { text: '' })));
    q.usage.forEach(function (usage) {
      if (!usage) return;
      usage.windows.forEach(function (w) {
        rows.appendChild(el('tr', { 'data-key': usage.key, 'data-period': w.period },
          el('td', { text: usage.key }), el('td', { text: w.period }), el('td', { text: w.used + ' / ' + w.limit, 'data-field': 'used' }), el('td', {}, bar(w.used, w.limit))));
      });
    });
    return el('article', { class: 'card', 'data-quota': q.name },
      el('header', {}, el('h3', { text: q.name }), el('span', { class: 'badge neutral', text: q.periods.join(' + ') + ' \u00b7 ' + q.timeZone })),
      el('div', { class: 'stats' }, stat('allowed/s', fmt(q.allowedPerSecond), 'allowed-per-second'), stat('exceeded/s', fmt(q.exceededPerSecond), 'exceeded-per-second'), stat('total allowed / exceeded', q.allowed + ' / ' + q.exceeded, 'totals')),
      q.usage.length > 0 ? rows : el('p', { class: 'muted', text: 'no keys configured (quotaKeys)' }));
  }

  function bulkheadCard(b) {
    var active = track('bh:' + b.name, b.active);
    return el('article', { class: 'card', 'data-bulkhead': b.name },
      el('header', {}, el('h3', { text: b.name }), el('span', { class: 'badge ' + b.health, text: b.health })),
      el('div', { class: 'stats' }, stat('active', b.active + ' / ' + b.maxConcurrent, 'active'), stat('queued', b.queued + ' / ' + b.maxQueue, 'queued'), stat('rejected/s', fmt(b.rejectedPerSecond), 'rejected-per-second')),
      bar(b.active, b.maxConcurrent), b.maxQueue > 0 ? bar(b.queued, b.maxQueue, 'warn') : null,
      sparkline([{ points: active, cls: 'ok' }]));
  }

  function timeoutCard(t) {
    return el('article', { class: 'card', 'data-timeout': t.name },
      el('header', {}, el('h3', { text: t.name }), el('span', { class: 'badge neutral', text: seconds(t.timeoutMs) })),
      el('div', { class: 'stats' }, stat('in flight', String(t.inFlight), 'in-flight'), stat('timed out/s', fmt(t.timedOutPerSecond), 'timed-out-per-second'), stat('timed out', String(t.timedOut), 'timed-out')));
  }

  function storeCard(s) {
    return el('article', { class: 'card', 'data-store': s.name, 'data-status': s.status },
      el('header', {}, el('h3', { text: s.name + (s.shared ? ' (shared)' : ' (this process)') }), el('span', { class: 'badge ' + (s.status === 'ok' ? 'healthy' : 'unhealthy'), text: s.status, 'data-field': 'status' })),
      el('div', { class: 'stats' }, stat('policies', s.policies.join(', '), 'policies'), stat('failures', String(s.failures), 'failures'),
        stat('last failure', s.lastFailureAt === null ? 'none' : clock(s.lastFailureAt) + ' (' + s.mode + ')', 'last-failure')),
      s.lastError ? el('p', { class: 'muted', text: s.lastError }) : null);
  }

  function fill(id, items, card, now) {
    var section = $(id);
    var list = section.querySelector('.cards');
    list.replaceChildren.apply(list, items.map(function (item) { return card(item, now); }));
    section.hidden = items.length === 0;
  }

  function render(frame) {
    $('health').textContent = frame.health;
    $('health').className = 'badge ' + frame.health;
    $('updated').textContent = 'updated ' + clock(frame.at);
    fill('breakers', frame.breakers, breakerCard, frame.at);
    fill('rate-limits', frame.rateLimits, rateLimitCard, frame.at);
    fill('quotas', frame.quotas, quotaCard, frame.at);
    fill('bulkheads', frame.bulkheads, bulkheadCard, frame.at);
    fill('timeouts', frame.timeouts, timeoutCard, frame.at);
    fill('stores', frame.stores, storeCard, frame.at);
    $('empty').hidden = frame.breakers.length + frame.rateLimits.length + frame.quotas.length + frame.bulkheads.length + frame.timeouts.length > 0;
  }

  function connection(state) {
    $('connection').textContent = state;
    $('connection').className = 'badge ' + (state === 'live' ? 'healthy' : 'degraded');
    document.body.setAttribute('data-connection', state);
  }

  var source = new EventSource(base + '/events');
  source.onopen = function () { connection('live'); };
  source.onerror = function () { connection('reconnecting'); };
  source.addEventListener('frame', function (event) { connection('live'); render(JSON.parse(event.data)); });
})();
`;
