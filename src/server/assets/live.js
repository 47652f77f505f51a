/*
 * Vigie live updates: plain browser JavaScript, no build step, loaded as a file (the CSP forbids inline script).
 * The pages read whole without it; it adds what happens after they were rendered, and shows times in the
 * reader's time zone. Every text from the server is set with textContent; links are made for http(s) URLs only.
 *
 * DOM contract (the pages render it; pages/page-layout.tsx lists the same):
 * Every page
 *   <time datetime="ISO" data-format="relative|absolute">: every time, rewritten in the browser's time zone:
 *     relative (the default) shows "3 minutes ago" with the local time in its title, absolute the local time.
 *     Relative texts are refreshed every 30 s.
 *   <span data-live-status>: set to "live", "reconnecting" or "offline" (text and data-state).
 *   Cells are found by data-field (else by column, in the orders below). A new row copies the cells (tag, class,
 *     data-field) of a row already there, so a column the page adds is kept, empty; it gets class "live-new".
 *   <tr data-live-empty> (optional) in a live <tbody>: a "nothing yet" row, removed when a row arrives.
 * Stories, <tbody data-live="stories">: rows <tr data-story-id="N">, newest first, cells title (<a href="/stories/N"
 *     lang>), source, lang (<abbr class="lang-tag">), time, also-at (a <ul> of <li data-article-id> copies).
 *   event story, first: a row is prepended; not first, of a listed story: an <li> joins its also-at list.
 * Story page, <table data-story-id="N"> (its copies): rows <tr data-article-id="M">, cells title (link to the
 *     original), source, lang, time, read-here.
 *   event story of story N: a row is appended.
 * Sources, <tr data-source-id="ID"> (overview) and <body data-source-id="ID"> (source page): [data-field="last-crawl"]
 *     (a <time>) and [data-field="state"] (data-state ok|failing|degraded|over-capacity|new).
 *   event crawl: the time is set; the state becomes ok or failing ("degraded" stays until a crawl succeeds;
 *     "over-capacity", a host's load, is left alone).
 * Crawls, <tbody data-live="crawls" data-source-id="ID">: rows <tr data-crawl-id="N">, newest first, cells time,
 *     outcome, status, duration, found, new, lag, error.
 *   event crawl of ID: a row is prepended.
 * Deliveries, any <tr data-delivery-id="D">: cells state, attempts (a number), time, outcome and status (of the last
 *     attempt), last-attempt, attempt-log (an <ol>), whichever it has.
 *   event delivery: those cells are updated, an <li> joins the log. A <tbody data-live="deliveries"> that is not a
 *     story's (no data-story-id on it or around it) also gets a row prepended for a delivery it lacks; cells id,
 *     event, endpoint, state, attempts, time, outcome, status.
 *
 * Events come from /events (server-sent events story, crawl, delivery; formats in events-routes.ts).
 */
(function () {
  'use strict';

  var MAX_ROWS = 200;
  var COLUMNS = {
    stories: ['title', 'source', 'lang', 'time', 'also-at'],
    copies: ['title', 'source', 'lang', 'time', 'read-here'],
    crawls: ['time', 'outcome', 'status', 'duration', 'found', 'new', 'lag', 'error'],
    deliveries: ['id', 'event', 'endpoint', 'state', 'attempts', 'time', 'outcome', 'status'],
  };
  var STATE_OF_OUTCOME = { delivered: 'delivered', retry: 'pending', 'gave-up': 'failed' };

  // ---- small helpers ----

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value !== null && value !== undefined && value !== '') node.setAttribute(name, String(value));
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function frag() {
    var f = document.createDocumentFragment();
    for (var i = 0; i < arguments.length; i++) {
      var part = arguments[i];
      if (part === null || part === undefined) continue;
      f.appendChild(part instanceof Node ? part : document.createTextNode(String(part)));
    }
    return f;
  }

  /** The URL when it is an absolute http(s) URL, else null: a stranger's "javascript:" never becomes a link. */
  function httpUrl(value) {
    if (typeof value !== 'string' || value === '') return null;
    try {
      var u = new URL(value.trim());
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  /** A language tag fit for a lang attribute, else null. */
  function langTag(value) {
    return typeof value === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(value) ? value : null;
  }

  function sel(name, value) {
    return '[' + name + '="' + String(value).replace(/["\\]/g, '\\$&') + '"]';
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s';
    return Math.round(ms / 60000) + ' min';
  }

  function timeNode(iso) {
    var node = el('time', { datetime: iso, 'data-format': 'relative' }, iso);
    formatTime(node);
    return node;
  }

  function externalLink(url, text, lang) {
    var href = httpUrl(url);
    return href ? el('a', { href: href, rel: 'noreferrer noopener', lang: lang }, text) : el('span', { class: 'unlinked', lang: lang }, text);
  }

  var languageNames = null;
  try {
    languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
  } catch (e) {
    languageNames = null;
  }

  function languageTag(lang) {
    if (!lang) return el('span', { class: 'lang-tag muted' }, '?');
    var name = lang;
    try {
      name = (languageNames && languageNames.of(lang)) || lang;
    } catch (e) {
      name = lang;
    }
    return el('abbr', { class: 'lang-tag', title: name }, String(lang).toUpperCase());
  }

  function sourceLink(sourceId) {
    return el('a', { href: '/sources/' + encodeURIComponent(sourceId) }, sourceId);
  }

  // ---- rows and cells, by data-field or by column ----

  /** The columns of `tbody`'s rows: field names (data-field, else the kind's order) with a model cell each. */
  function columnsOf(tbody, kind) {
    var names = COLUMNS[kind];
    var model = tbody.querySelector('tr:not([data-live-empty])');
    if (!model) return names.map(function (f) { return { field: f, model: null }; });
    return Array.prototype.map.call(model.cells, function (cell, i) {
      return { field: cell.getAttribute('data-field') || names[i] || '', model: cell };
    });
  }

  /** A row with one cell per column, filled by `fill(field)`: a node, a string or number, or null for empty. */
  function buildRow(tbody, kind, attrs, fill) {
    var row = el('tr', attrs);
    row.classList.add('live-new');
    columnsOf(tbody, kind).forEach(function (col) {
      var cell = col.model ? document.createElement(col.model.tagName.toLowerCase()) : document.createElement('td');
      if (col.model) {
        ['class', 'scope', 'data-field'].forEach(function (name) {
          if (col.model.hasAttribute(name)) cell.setAttribute(name, col.model.getAttribute(name));
        });
      }
      var content = fill(col.field);
      if (content instanceof Node) cell.appendChild(content);
      else if (content !== null && content !== undefined) cell.textContent = String(content);
      row.appendChild(cell);
    });
    return row;
  }

  /** The cell of `row` for `field`: by data-field, else by the kind's column order. */
  function cellOf(row, kind, field) {
    var marked = row.querySelector(sel('data-field', field));
    if (marked) return marked;
    var cell = row.cells[COLUMNS[kind].indexOf(field)];
    return cell && !cell.hasAttribute('data-field') ? cell : null;
  }

  function insert(tbody, row, atTop) {
    var empty = tbody.querySelector('tr[data-live-empty]');
    if (empty) empty.remove();
    if (atTop) tbody.insertBefore(row, tbody.firstChild);
    else tbody.appendChild(row);
    while (tbody.rows.length > MAX_ROWS) tbody.deleteRow(atTop ? tbody.rows.length - 1 : 0);
  }

  // ---- story: a new article ----

  function onStory(d) {
    var lang = langTag(d.lang);
    var title = d.title || d.url || '(untitled)';
    document.querySelectorAll('tbody[data-live="stories"]').forEach(function (tbody) {
      var row = tbody.querySelector('tr' + sel('data-story-id', d.storyId));
      if (row) {
        if (!d.first) addAlsoAt(row, d, title, lang);
        return;
      }
      // A later copy of a story not listed here waits for a reload: the list is of stories, newest first.
      if (!d.first) return;
      insert(
        tbody,
        buildRow(tbody, 'stories', { 'data-story-id': d.storyId }, function (field) {
          if (field === 'title') return el('a', { href: '/stories/' + encodeURIComponent(d.storyId), lang: lang }, title);
          if (field === 'source') return sourceLink(d.sourceId);
          if (field === 'lang') return languageTag(lang);
          if (field === 'time') return timeNode(d.fetchedAt);
          if (field === 'also-at') return el('span', { class: 'muted' }, '–');
          return null;
        }),
        true,
      );
    });
    var table = document.querySelector('table' + sel('data-story-id', d.storyId));
    var copies = table && table.tBodies[0];
    if (copies && !copies.querySelector('tr' + sel('data-article-id', d.articleId))) {
      insert(
        copies,
        buildRow(copies, 'copies', { 'data-article-id': d.articleId }, function (field) {
          if (field === 'title') return externalLink(d.url, title, lang);
          if (field === 'source') return sourceLink(d.sourceId);
          if (field === 'lang') return languageTag(lang);
          if (field === 'time') return timeNode(d.fetchedAt);
          if (field === 'read-here') return el('a', { href: '/stories/' + encodeURIComponent(d.storyId) + '?copy=' + encodeURIComponent(d.articleId) }, 'read here');
          return null;
        }),
        false,
      );
    }
  }

  function addAlsoAt(row, d, title, lang) {
    var cell = cellOf(row, 'stories', 'also-at');
    if (!cell) return;
    var href = httpUrl(d.url);
    if (cell.querySelector(sel('data-article-id', d.articleId))) return;
    var known = Array.prototype.some.call(cell.querySelectorAll('a[href]'), function (a) {
      return href !== null && a.href === href;
    });
    if (known) return;
    var list = cell.querySelector('ul, ol');
    if (!list) {
      list = el('ul', { class: 'also-at' });
      cell.replaceChildren(list);
    }
    var link = externalLink(d.url, title, lang);
    var item = el('li', { class: 'live-new', 'data-article-id': d.articleId });
    item.appendChild(frag(link, ' ', languageTag(lang), ' ', el('span', { class: 'muted' }, d.sourceId)));
    list.appendChild(item);
  }

  // ---- crawl: a finished crawl ----

  function onCrawl(d) {
    var failed = d.outcome === 'failed';
    document.querySelectorAll('tr' + sel('data-source-id', d.sourceId) + ', body' + sel('data-source-id', d.sourceId)).forEach(function (root) {
      var last = root.querySelector('[data-field="last-crawl"]');
      if (last) {
        var time = last.querySelector('time');
        if (time) {
          time.setAttribute('datetime', d.at);
          formatTime(time);
        } else {
          last.replaceChildren(timeNode(d.at));
        }
      }
      var state = root.querySelector('[data-field="state"]');
      if (state) {
        var now = state.getAttribute('data-state');
        if (now === 'over-capacity' || (failed && now === 'degraded')) return;
        var next = failed ? 'failing' : 'ok';
        state.setAttribute('data-state', next);
        state.textContent = next;
      }
    });
    document.querySelectorAll('tbody[data-live="crawls"]').forEach(function (tbody) {
      var owner = tbody.closest('[data-source-id]');
      if (!owner || owner.getAttribute('data-source-id') !== d.sourceId) return;
      if (tbody.querySelector('tr' + sel('data-crawl-id', d.crawlId))) return;
      var row = buildRow(tbody, 'crawls', { 'data-crawl-id': d.crawlId }, function (field) {
        if (field === 'time') return timeNode(d.at);
        if (field === 'outcome') return d.outcome;
        if (field === 'status') return d.status === null ? '–' : d.status;
        if (field === 'duration') return duration(d.durationMs);
        if (field === 'found') return d.found;
        if (field === 'new') return d.new;
        if (field === 'lag') return duration(d.lagMs);
        if (field === 'error') return d.note || d.error || '';
        return null;
      });
      if (failed) row.classList.add('bad');
      insert(tbody, row, true);
    });
  }

  // ---- delivery: an attempt ----

  function lastAttemptText(d) {
    return d.status === null ? d.outcome : 'HTTP ' + d.status + ' (' + d.outcome + ')';
  }

  function onDelivery(d) {
    var state = STATE_OF_OUTCOME[d.outcome] || d.outcome;
    var seen = false;
    document.querySelectorAll('tr' + sel('data-delivery-id', d.deliveryId)).forEach(function (row) {
      seen = true;
      var cell = row.querySelector('[data-field="state"]');
      if (cell) cell.textContent = state;
      cell = row.querySelector('[data-field="attempts"]');
      if (cell && /^\d+$/.test(cell.textContent.trim())) cell.textContent = String(Number(cell.textContent.trim()) + 1);
      cell = row.querySelector('[data-field="last-attempt"]');
      if (cell) cell.textContent = lastAttemptText(d);
      cell = row.querySelector('[data-field="time"]');
      if (cell) cell.replaceChildren(timeNode(d.at));
      cell = row.querySelector('[data-field="outcome"]');
      if (cell) cell.textContent = d.outcome;
      cell = row.querySelector('[data-field="status"]');
      if (cell) cell.textContent = d.status === null ? '–' : String(d.status);
      var log = row.querySelector('[data-field="attempt-log"]');
      if (log) {
        var list = /^(OL|UL)$/.test(log.tagName) ? log : log.querySelector('ol, ul');
        if (!list) list = log.appendChild(el('ol', { class: 'attempt-log' }));
        var item = el('li', { class: 'live-new' });
        item.appendChild(frag(timeNode(d.at), ' ' + d.outcome + (d.status === null ? '' : ' · HTTP ' + d.status) + ' · ' + duration(d.durationMs)));
        list.appendChild(item);
      }
      row.classList.toggle('bad', state === 'failed');
      row.classList.add('live-new');
    });
    if (seen) return;
    document.querySelectorAll('tbody[data-live="deliveries"]').forEach(function (tbody) {
      // A story's own list holds that story's deliveries only.
      var story = tbody.closest('[data-story-id]');
      if (story && story.getAttribute('data-story-id') !== String(d.storyId)) return;
      insert(
        tbody,
        buildRow(tbody, 'deliveries', { 'data-delivery-id': d.deliveryId }, function (field) {
          if (field === 'id') return d.deliveryId;
          if (field === 'event') return d.eventType;
          if (field === 'endpoint') return d.endpoint;
          if (field === 'state') return state;
          if (field === 'attempts') return null;
          if (field === 'last-attempt') return lastAttemptText(d);
          if (field === 'time') return timeNode(d.at);
          if (field === 'outcome') return d.outcome;
          if (field === 'status') return d.status === null ? '–' : d.status;
          return null;
        }),
        true,
      );
    });
  }

  // ---- times in the browser's zone ----

  var relative = null;
  try {
    relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  } catch (e) {
    relative = null;
  }
  var UNITS = [
    ['year', 365 * 86400000],
    ['month', 30 * 86400000],
    ['week', 7 * 86400000],
    ['day', 86400000],
    ['hour', 3600000],
    ['minute', 60000],
    ['second', 1000],
  ];

  function relativeText(date) {
    var ms = date.getTime() - Date.now();
    if (!relative) return date.toLocaleString();
    // Under ten seconds is "now": two machines' clocks never agree to the second.
    if (Math.abs(ms) < 10000) return relative.format(0, 'second');
    for (var i = 0; i < UNITS.length; i++) {
      if (Math.abs(ms) >= UNITS[i][1] || i === UNITS.length - 1) return relative.format(Math.round(ms / UNITS[i][1]), UNITS[i][0]);
    }
    return date.toLocaleString();
  }

  function formatTime(node) {
    var date = new Date(node.getAttribute('datetime'));
    if (isNaN(date.getTime())) return;
    var absolute = date.toLocaleString();
    node.title = absolute;
    node.textContent = node.getAttribute('data-format') === 'absolute' ? absolute : relativeText(date);
  }

  function formatTimes() {
    document.querySelectorAll('time[datetime]').forEach(formatTime);
  }

  // ---- the connection ----

  function setStatus(state) {
    document.querySelectorAll('[data-live-status]').forEach(function (node) {
      node.setAttribute('data-state', state);
      node.textContent = state;
    });
  }

  var lastEventId = '';
  function handler(fn) {
    return function (message) {
      if (message.lastEventId) lastEventId = message.lastEventId;
      var data;
      try {
        data = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      try {
        fn(data);
      } catch (e) {
        // One odd row must not stop the next events.
        if (window.console) console.error('live update failed', e);
      }
    };
  }

  function connect() {
    // A new EventSource does not send Last-Event-ID: the last id seen goes in the query instead.
    var source = new EventSource(lastEventId ? '/events?lastEventId=' + encodeURIComponent(lastEventId) : '/events');
    source.addEventListener('open', function () {
      setStatus('live');
    });
    source.addEventListener('error', function () {
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (a refused or broken response): try again, more slowly.
        setStatus('offline');
        source.close();
        setTimeout(connect, 10000);
      } else {
        // The browser reconnects by itself, sending Last-Event-ID.
        setStatus('reconnecting');
      }
    });
    source.addEventListener('story', handler(onStory));
    source.addEventListener('crawl', handler(onCrawl));
    source.addEventListener('delivery', handler(onDelivery));
  }

  function init() {
    formatTimes();
    setInterval(formatTimes, 30000);
    if (window.EventSource) connect();
    else setStatus('offline');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
