/* The interactive page: a slider over the slices' pictures, with tooltips on
 * the event markers placed from each scene (src/html.c writes the data). All
 * text from the events file is set with textContent, never as markup. */
(function () {
  'use strict';
  /* The page's words that are not in the data block (the sheet's). */
  var HOLD_MS = 1600;
  var data = JSON.parse(document.getElementById('cm-data').textContent);
  var slices = data.slices, last = slices.length - 1;
  function $(id) { return document.getElementById(id); }
  var root = $('cm'), img = $('cm-img'), spotsBox = $('cm-spots'), tip = $('cm-tip');
  var slider = $('cm-slider'), prev = $('cm-prev'), next = $('cm-next'), play = $('cm-play');
  var moment = $('cm-moment'), link = $('cm-link'), phoneSrc = $('cm-phone');
  var current = -1, timer = 0, tipSpot = null, tipPinned = false, small = null;
  var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  var framed = window.parent !== window, parentUrl = '', parentHash = '', parentVh = 0;
  function mq(q) { return window.matchMedia ? window.matchMedia(q) : { matches: false }; }
  /* The phone layout shows where the <source> says (data.phoneMedia); on a
   * phone, or with no hover, a marker's events open in a sheet. */
  var phoneMq = mq(data.phoneMedia), sheetMq = mq(data.phoneMedia + ', (hover: none)');
  function phoneShown(s) { return !!(phoneSrc && s.phone && phoneMq.matches); }
  function layoutOf(s) { return phoneShown(s) ? s.phone : s; }
  function sheetMode() { return sheetMq.matches; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  /* The page's words in the map's language (html.c writes data.words, keyed
   * by the English), with {name} parts filled in from @parts. */
  function w(en, parts) {
    var s = (data.words && data.words[en]) || en;
    Object.keys(parts || {}).forEach(function (k) { s = s.split('{' + k + '}').join(parts[k]); });
    return s;
  }

  /* ---- tooltips ---- */
  var statusWords = { reported: w('Reported'), claimed: w('Claimed'), confirmed: w('Confirmed'),
                      disputed: w('Disputed') };
  function eventCard(ev) {
    var card = el('div', 'cm-ev');
    card.appendChild(el('p', 'cm-ev-head', ev.headline || ev.kind));
    card.appendChild(el('p', 'cm-ev-meta', ev.time + (ev.place ? ' \u00b7 ' + ev.place : '')));
    var st = el('p', 'cm-ev-status');
    st.appendChild(el('span', 'cm-badge', statusWords[ev.status] || ev.status));
    var who = ev.status === 'claimed' ? (ev.by ? w('by {side}, not independently verified', { side: ev.by })
                                               : w('not independently verified'))
            : ev.status === 'disputed' ? (ev.by ? w('claim by {side} is contested', { side: ev.by })
                                                : w('contested'))
            : '';
    if (who) st.appendChild(document.createTextNode(who));
    card.appendChild(st);
    if (ev.text) card.appendChild(el('p', 'cm-ev-text', ev.text));
    if (ev.source) card.appendChild(el('p', 'cm-ev-src', w('Source: {source}', { source: ev.source })));
    if (ev.url && /^https?:\/\//i.test(ev.url)) {
      var p = el('p', 'cm-ev-src'), a = el('a', '', w('Report'));
      a.href = ev.url;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      try { a.textContent = w('Report: {site}', { site: new URL(ev.url).hostname }); } catch (e) { /* keep */ }
      p.appendChild(a);
      card.appendChild(p);
    }
    return card;
  }
  /* On a phone: a sheet across the map, above or below the marker (where
   * there is more room), never over it and never over the controls. */
  function placeSheet(spot) {
    var R = root.getBoundingClientRect(), box = spotsBox.getBoundingClientRect();
    var s = spot.getBoundingClientRect(), cy = s.top + s.height / 2 - R.top, r = s.height / 2 + 6;
    var top0 = Math.max(0, -R.top) + 8;
    var bottom0 = root.querySelector('.cm-controls').getBoundingClientRect().top - R.top - 8;
    var above = cy - r - top0, below = bottom0 - (cy + r);
    tip.style.left = Math.round(box.left - R.left + 8) + 'px';
    tip.style.width = Math.round(box.width - 16) + 'px';
    tip.style.maxHeight = Math.max(0, Math.floor(Math.max(above, below))) + 'px';
    var h = tip.offsetHeight;
    tip.style.top = Math.round(below >= above ? bottom0 - h : top0) + 'px';
  }
  function placeTip(spot) {
    tip.classList.toggle('cm-sheet', sheetMode());
    if (sheetMode()) { placeSheet(spot); return; }
    tip.style.width = tip.style.maxHeight = '';
    var R = root.getBoundingClientRect();
    var box = spotsBox.getBoundingClientRect(), s = spot.getBoundingClientRect();
    var x = s.left + s.width / 2 - box.left, y = s.top + s.height / 2 - box.top;
    var w = tip.offsetWidth, h = tip.offsetHeight, gap = 16;
    var left = x + gap + w <= box.width - 8 ? x + gap : x - gap - w;
    if (left < 8) left = Math.max(8, Math.min(box.width - w - 8, x - w / 2));
    var top, beside = left >= x + gap || left + w <= x - gap;
    if (beside) {
      top = Math.max(8, Math.min(y - 12, box.height - h - 8));
    } else {
      /* No room beside it (a phone): below the marker, or above; never over it,
       * even if the tooltip then reaches past the picture. */
      top = y + gap + h <= box.height - 8 || y - gap - h < 8 ? y + gap : y - gap - h;
    }
    tip.style.left = Math.round(left + box.left - R.left) + 'px';
    tip.style.top = Math.round(top + box.top - R.top) + 'px';
  }
  /* Markers closer together than a fingertip (Hadrut and its villages on a
   * phone) share one tooltip: the spot's own events first, then its neighbours'. */
  function neighbours(spot) {
    var r = spot.getBoundingClientRect(), near = [];
    var cx = r.left + r.width / 2, cy = r.top + r.height / 2, all = spotsBox.children;
    for (var k = 0; k < all.length; k++) {
      var o = all[k].getBoundingClientRect();
      var d = Math.hypot(o.left + o.width / 2 - cx, o.top + o.height / 2 - cy);
      if (all[k] !== spot && d < r.width / 2) near.push({ d: d, spot: all[k] });
    }
    near.sort(function (a, b) { return a.d - b.d; });   /* nearest first */
    return near.map(function (n) { return n.spot; });
  }
  function eventsNear(spot) {
    var out = spot.cmEvents.slice();
    neighbours(spot).forEach(function (n) {
      n.cmEvents.forEach(function (i) { if (out.indexOf(i) < 0) out.push(i); });
    });
    return out;
  }
  /* The sheet: the events of the place tapped, newest first, then its
   * neighbours under a fingertip, to open in turn. */
  function placeOf(spot) { var ev = data.events[spot.cmEvents[0]]; return ev.place || ev.headline || ev.kind; }
  function fillSheet(spot) {
    var head = el('div', 'cm-sheet-head');
    head.appendChild(el('p', 'cm-sheet-place', placeOf(spot)));
    var close = el('button', 'cm-sheet-close', '\u00d7');
    close.type = 'button';
    close.setAttribute('aria-label', w('Close'));
    close.addEventListener('click', function (e) { e.stopPropagation(); var s = tipSpot; hideTip(); if (s) s.focus(); });
    head.appendChild(close);
    tip.appendChild(head);
    spot.cmEvents.forEach(function (i) { tip.appendChild(eventCard(data.events[i])); });
    var near = neighbours(spot);
    if (!near.length) return;
    var more = el('div', 'cm-sheet-near');
    more.appendChild(el('p', 'cm-sheet-near-head', w('Nearby')));
    near.forEach(function (n) {
      var b = el('button', '', placeOf(n) + (n.cmEvents.length > 1 ? ' (' + n.cmEvents.length + ')' : ''));
      b.type = 'button';
      b.addEventListener('click', function (e) { e.stopPropagation(); showTip(n, true); });
      more.appendChild(b);
    });
    tip.appendChild(more);
  }
  function showTip(spot, pin) {
    if (tipSpot && tipSpot !== spot) tipSpot.setAttribute('aria-expanded', 'false');
    if (tipSpot !== spot || tip.classList.contains('cm-sheet') !== sheetMode()) {
      clear(tip);
      tip.scrollTop = 0;
      if (sheetMode()) fillSheet(spot);
      else eventsNear(spot).forEach(function (i) { tip.appendChild(eventCard(data.events[i])); });
    }
    tip.setAttribute('role', sheetMode() ? 'dialog' : 'tooltip');
    if (sheetMode()) tip.setAttribute('aria-label', placeOf(spot)); else tip.removeAttribute('aria-label');
    tipSpot = spot;
    tipPinned = !!pin;
    spot.setAttribute('aria-expanded', 'true');
    tip.hidden = false;
    placeTip(spot);
  }
  function hideTip() {
    if (tipSpot) tipSpot.setAttribute('aria-expanded', 'false');
    tipSpot = null;
    tipPinned = false;
    tip.hidden = true;
  }
  function makeSpot(s) {
    var b = el('button', 'cm-spot');
    b.type = 'button';
    b.style.left = s.x + '%';
    b.style.top = s.y + '%';
    b.cmEvents = s.events;
    /* the ids of every event the spot stands for: a CMS links to them */
    b.setAttribute('data-ids', s.events.map(function (i) { return data.events[i].id; }).join(' '));
    b.setAttribute('aria-label', s.events.map(function (i) {
      return data.events[i].headline || data.events[i].kind;
    }).join('; '));
    b.setAttribute('aria-describedby', 'cm-tip');
    b.setAttribute('aria-expanded', 'false');
    b.addEventListener('mouseenter', function () { if (!tipPinned && !sheetMode()) showTip(b, false); });
    b.addEventListener('mouseleave', function () {
      setTimeout(function () {
        if (tipSpot === b && !tipPinned && !tip.matches(':hover') && document.activeElement !== b) hideTip();
      }, 120);
    });
    b.addEventListener('focus', function () { if (!sheetMode()) showTip(b, false); });
    b.addEventListener('blur', function () {
      setTimeout(function () {
        if (tipSpot === b && !tipPinned && !tip.contains(document.activeElement) && !b.matches(':hover')) hideTip();
      }, 0);
    });
    b.addEventListener('click', function (e) {
      e.stopPropagation();
      stop();
      /* a finger: the marker nearest to where it touched, not the one on top */
      var t = e.detail ? nearestSpot(e.clientX, e.clientY) || b : b;
      if (tipSpot === t && tipPinned) hideTip(); else showTip(t, true);
    });
    return b;
  }
  function nearestSpot(x, y) {
    var all = spotsBox.children, best = null, bd = Infinity;
    for (var k = 0; k < all.length; k++) {
      var o = all[k].getBoundingClientRect();
      var d = Math.hypot(o.left + o.width / 2 - x, o.top + o.height / 2 - y);
      if (d < bd) { bd = d; best = all[k]; }
    }
    return best;
  }
  tip.addEventListener('mouseleave', function () { if (!tipPinned && !sheetMode()) hideTip(); });
  /* A tap anywhere closes the sheet (but a link in it is followed); a click
   * outside the tooltip closes the tooltip. */
  document.addEventListener('click', function (e) {
    if (!tipSpot) return;
    if (tip.classList.contains('cm-sheet') ? !(e.target.closest && e.target.closest('a')) : !tip.contains(e.target)) hideTip();
  });

  /* ---- the slice's lists: a panel per slice, stacked in one place ---- */
  var panelsBox = $('cm-panels'), panels = [];
  function makePanels() {
    clear(panelsBox);
    slices.forEach(function (s) {
      var p = { box: el('div', 'cm-panel'), news: el('section', 'cm-new'), newHead: el('h2'),
                newList: el('ul'), names: el('section', 'cm-names'), namesHead: el('h2'), namesList: el('ul') };
      p.news.appendChild(p.newHead);
      p.news.appendChild(p.newList);
      p.names.appendChild(p.namesHead);
      p.names.appendChild(p.namesList);
      p.names.hidden = true;
      p.box.appendChild(p.news);
      p.box.appendChild(p.names);
      panelsBox.appendChild(p.box);
      showNew(s, p);
      panels.push(p);
    });
  }
  var panelIds = { newHead: 'cm-new-head', newList: 'cm-new', names: 'cm-names', namesHead: 'cm-names-head',
                   namesList: 'cm-names-list' };
  function showPanel(i) {
    panels.forEach(function (p, k) {
      p.box.classList.toggle('cm-on', k === i);
      Object.keys(panelIds).forEach(function (n) {
        if (k === i) p[n].id = panelIds[n]; else p[n].removeAttribute('id');
      });
    });
  }
  function showNew(s, p) {
    var head = p.newHead, list = p.newList;
    head.textContent = s.since ? w('New since {time}', { time: s.since }) : w('New at {time}', { time: s.clock });
    clear(list);
    if (s.change) list.appendChild(el('li', 'cm-change', s.change));   /* territory that changed hands */
    if (!s.new.length) list.appendChild(el('li', 'cm-none', w('Nothing new reported at this moment.')));
    s.new.forEach(function (i) {
      var ev = data.events[i], li = el('li'), b = el('button');
      b.type = 'button';
      b.appendChild(el('span', 'cm-new-time', ev.clock));
      b.appendChild(el('span', 'cm-new-head', ev.headline || ev.kind));
      b.addEventListener('click', function (e) {
        e.stopPropagation();
        var spot = spotFor(i);
        if (spot) { spot.focus(); showTip(spot, true); }
      });
      li.appendChild(b);
      list.appendChild(li);
    });
  }
  function spotFor(i) {
    var all = spotsBox.children;
    for (var k = 0; k < all.length; k++) if (all[k].cmEvents.indexOf(i) >= 0) return all[k];
    return null;
  }
  /* A label of the story is listed below the picture when, at the width the
   * picture is shown, its text would be smaller than data.readable CSS pixels;
   * labels the layout could not place at all are always listed. */
  function showNames() {
    var phone = phoneShown(slices[Math.max(current, 0)]);
    var scale = img.clientWidth / (phone ? data.pw : data.width);
    var isSmall = img.clientWidth > 0 && scale * (phone ? data.pLabelPx : data.labelPx) < data.readable;
    if (small !== isSmall) { small = isSmall; root.classList.toggle('cm-small', isSmall); fit(); }
    slices.forEach(function (s, k) {
      var lay = layoutOf(s), p = panels[k], names = [];
      lay.labels.forEach(function (l) { if (l[1] * scale < data.readable) names.push(l[0]); });
      lay.dropped.forEach(function (t) { if (names.indexOf(t) < 0) names.push(t); });
      clear(p.namesList);
      names.forEach(function (t) { p.namesList.appendChild(el('li', '', t)); });
      p.namesHead.textContent = isSmall ? w('Names on this map') : w('Not labelled on this map');
      p.names.hidden = names.length === 0;
    });
  }
  /* The map as large as the screen allows with the controls and the moment
   * still in view below it (html.css sizes the page from --cm-chrome); in an
   * article's frame, as wide as the column, or for the phone layout as the
   * reader's screen allows (the snippet says how tall it is). */
  function fit() {
    root.classList.toggle('cm-phone', phoneShown(slices[Math.max(current, 0)]));
    var head = root.querySelector('.cm-head'), ctl = root.querySelector('.cm-controls');
    var h = head.offsetHeight + ctl.offsetHeight + moment.parentNode.offsetHeight + 18;
    root.style.setProperty('--cm-chrome', Math.ceil(h) + 'px');
    if (framed) root.style.setProperty('--cm-vh', parentVh && phoneShown(slices[Math.max(current, 0)]) ? parentVh + 'px' : '100000px');
  }
  function showKey() {
    var key = $('cm-key');
    key.appendChild(el('h2', '', w('Key')));
    data.sides.forEach(function (sd) {
      var item = el('span'), sw = el('span', 'cm-sw');
      sw.style.background = sd.color;
      item.appendChild(sw);
      item.appendChild(document.createTextNode(sd.name));
      key.appendChild(item);
    });
    /* the statuses the events have, in the map legend's words (src/layout/legend.c):
     * an event without one is "reported", which claims no verification */
    var has = {};
    data.events.forEach(function (ev) { has[ev.status] = true; });
    [['reported', 'cm-sw-dot', 'Solid: reported, not verified'],
     ['confirmed', 'cm-sw-edge', 'Dark edge: confirmed'],
     ['claimed', 'cm-sw-ring', 'Hollow: claimed by one side, not verified'],
     ['disputed', 'cm-sw-pale', 'Pale: disputed'],
     ['', 'cm-sw-new', 'Glow: new at this moment']].filter(function (k) {
      return !k[0] || has[k[0]];
    }).map(function (k) { return k.slice(1); }).forEach(function (k) {
      var item = el('span');
      item.appendChild(el('span', 'cm-sw ' + k[0]));
      item.appendChild(document.createTextNode(w(k[1])));
      key.appendChild(item);
    });
  }

  /* ---- moving through the slices ---- */
  function setLink() {
    var s = slices[current];
    link.href = parentUrl + '#t=' + s.t;
    if (parentUrl) link.target = '_top'; else link.removeAttribute('target');
  }
  function showSpots() {
    clear(spotsBox);
    layoutOf(slices[current]).spots.forEach(function (sp) { spotsBox.appendChild(makeSpot(sp)); });
  }
  function show(i, fromHash) {
    i = Math.max(0, Math.min(last, i));
    if (i === current) return;
    current = i;
    var s = slices[i];
    hideTip();
    if (phoneSrc) phoneSrc.srcset = s.phone ? s.phone.png : s.png;
    img.srcset = s.png + ' ' + data.w1 + 'w' + (s.png2x ? ', ' + s.png2x + ' ' + data.w2 + 'w' : '');
    img.src = s.png;
    img.alt = s.alt;
    slider.value = String(i);
    slider.setAttribute('aria-valuetext', s.moment);
    moment.textContent = s.moment;
    $('cm-count').textContent = w('{n} of {count}', { n: i + 1, count: slices.length });
    setLink();
    prev.disabled = i === 0;
    next.disabled = i === last;
    showSpots();
    showPanel(i);
    if (!fromHash && location.hash !== '#t=' + s.t) {
      try { history.replaceState(null, '', '#t=' + s.t); } catch (e) { /* a sandboxed frame */ }
    }
    tellHeight();
  }
  /* #id=EVENT_ID: the slice where that event is new (else the first that
   * shows it), and its tooltip opened. */
  function eventFromHash(hash) {
    var m = /^#id=(.+)$/.exec(hash === undefined ? location.hash : hash), id;
    if (!m) return -1;
    try { id = decodeURIComponent(m[1]); } catch (e) { return -1; }
    for (var i = 0; i < data.events.length; i++) if (data.events[i].id === id) return i;
    return -1;
  }
  function sliceOfEvent(ev) {
    for (var i = 0; i <= last; i++) if (slices[i].new.indexOf(ev) >= 0) return i;
    for (i = 0; i <= last; i++)
      if (slices[i].spots.some(function (sp) { return sp.events.indexOf(ev) >= 0; })) return i;
    return -1;
  }
  function openEvent(ev) {
    var i = sliceOfEvent(ev);
    if (i < 0) return false;
    stop();
    show(i, true);
    var spot = spotFor(ev);
    if (spot) showTip(spot, true);
    return true;
  }
  function fromHash(hash) {
    var m = /^#t=(.+)$/.exec(hash === undefined ? location.hash : hash), t;
    if (!m) return -1;
    try { t = decodeURIComponent(m[1]); } catch (e) { return -1; }
    var ms = Date.parse(t), best = -1;
    for (var i = 0; i <= last; i++) {
      if (slices[i].t === t) return i;
      if (!isNaN(ms) && Date.parse(slices[i].t) <= ms) best = i;
    }
    return isNaN(ms) ? -1 : Math.max(best, 0);
  }
  function stop() {
    if (timer) clearTimeout(timer);
    timer = 0;
    play.setAttribute('aria-pressed', 'false');
    play.setAttribute('aria-label', w('Play'));
    moment.setAttribute('aria-live', 'polite');
  }
  function tick() {
    if (current >= last) { stop(); return; }
    show(current + 1);
    timer = setTimeout(tick, HOLD_MS);
  }
  function start() {
    if (current >= last) show(0);
    play.setAttribute('aria-pressed', 'true');
    play.setAttribute('aria-label', w('Pause'));
    moment.setAttribute('aria-live', 'off');   /* no announcement every second */
    timer = setTimeout(tick, HOLD_MS);
  }
  function step(d) { stop(); show(current + d); }

  prev.addEventListener('click', function () { step(-1); });
  next.addEventListener('click', function () { step(1); });
  play.addEventListener('click', function () {
    if (play.getAttribute('aria-pressed') === 'true') stop(); else start();
  });
  slider.addEventListener('input', function () { stop(); show(Number(slider.value)); });
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (e.key === 'Escape' && tipSpot) { var s = tipSpot; hideTip(); s.focus(); return; }
    if (e.target === slider || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      /* on a right-to-left page the earlier moments are to the right */
      step((e.key === 'ArrowLeft') !== (document.documentElement.dir === 'rtl') ? -1 : 1);
    }
  });
  function goTo(hash) {
    var ev = eventFromHash(hash);
    if (ev >= 0 && openEvent(ev)) return true;
    var i = fromHash(hash);
    if (i >= 0) { stop(); show(i, true); return true; }
    return false;
  }
  window.addEventListener('hashchange', function () { goTo(location.hash); });
  function relayout() {
    fit();
    showNames();
    if (tipSpot) placeTip(tipSpot);
    tellHeight();
  }
  window.addEventListener('resize', relayout);
  img.addEventListener('load', function () { showNames(); tellHeight(); });
  if (phoneSrc && phoneMq.addEventListener) {
    phoneMq.addEventListener('change', function () { hideTip(); showSpots(); relayout(); });
  }

  /* In an article's iframe: tell the embedding page how tall the page is
   * (the same for every slice: the panels are stacked). */
  function tellHeight() {
    if (!framed) return;
    /* the page's own height, not the frame's (scrollHeight is at least the frame's) */
    var h = Math.ceil(root.getBoundingClientRect().bottom + window.scrollY);
    window.parent.postMessage({ conflictmap: 'height', height: h }, '*');
  }
  /* The embed snippet (embed.html) tells the page the article's address, so
   * that "Link to this moment" links to the article, the article's own
   * moment (#t=, #id=), and the height of the reader's screen. */
  if (framed) {
    root.classList.add('cm-embed');
    window.addEventListener('message', function (e) {
      var d = e.data;
      if (e.source !== window.parent || !d || d.conflictmap !== 'parent') return;
      if (typeof d.url === 'string') {
        try {
          var u = new URL(d.url);
          if (/^(https?|file):$/.test(u.protocol)) { u.hash = ''; parentUrl = u.href; }
        } catch (err) { /* not an address: the link stays on this page */ }
      }
      if (typeof d.vh === 'number' && d.vh > 100 && d.vh < 20000 && d.vh !== parentVh) {
        parentVh = d.vh;
        relayout();
      }
      if (typeof d.hash === 'string' && d.hash !== parentHash) {
        parentHash = d.hash;
        goTo(d.hash);
      }
      setLink();
    });
    window.parent.postMessage({ conflictmap: 'hello' }, '*');
  }

  /* Live reload: served by `conflictmap serve` or `watch --serve`, the page
   * hears of each set published (/_events) and loads it, on the moment its
   * address names (#t=...). From a file, or any other server, nothing. */
  var mySet = (/^sets\/([^/]+)\//.exec(slices[0].png) || [])[1];
  if (/^https?:$/.test(location.protocol) && 'EventSource' in window && mySet) {
    try {
      var live = new EventSource('_events');
      live.addEventListener('set', function (e) {
        if (e.data && e.data !== mySet) { live.close(); location.reload(); }
      });
    } catch (e) { /* no stream: the page stays as it is */ }
  }

  $('cm-first').textContent = slices[0].clock;
  $('cm-last').textContent = slices[last].clock;
  showKey();
  makePanels();
  fit();
  showNames();
  var initial = fromHash(), linked = eventFromHash();
  /* Without a permalink the timeline plays once from the start, when it comes
   * into view; a reader who prefers less motion gets the latest slice, still. */
  if (linked >= 0 && openEvent(linked)) {
    /* an event's permalink: its slice and its tooltip, held */
  } else if (initial >= 0 || reduce || last === 0) {
    show(initial >= 0 ? initial : last, initial >= 0);
  } else {
    show(0);
    play.setAttribute('aria-pressed', 'true');
    play.setAttribute('aria-label', w('Pause'));
    var begin = function () { if (play.getAttribute('aria-pressed') === 'true' && !timer) start(); };
    if ('IntersectionObserver' in window) {
      var io = new IntersectionObserver(function (entries) {
        if (entries[0].isIntersecting) { io.disconnect(); begin(); }
      }, { threshold: 0.4 });
      io.observe(img);
    } else {
      begin();
    }
  }
})();
