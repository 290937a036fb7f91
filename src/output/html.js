/* The interactive page: a slider over the slices' pictures, with tooltips on
 * the event markers placed from each scene (src/html.c writes the data). All
 * text from the events file is set with textContent, never as markup. */
(function () {
  'use strict';
  var HOLD_MS = 1600;
  var data = JSON.parse(document.getElementById('cm-data').textContent);
  var slices = data.slices, last = slices.length - 1;
  function $(id) { return document.getElementById(id); }
  var root = $('cm'), img = $('cm-img'), spotsBox = $('cm-spots'), tip = $('cm-tip');
  var slider = $('cm-slider'), prev = $('cm-prev'), next = $('cm-next'), play = $('cm-play');
  var moment = $('cm-moment'), link = $('cm-link');
  var current = -1, timer = 0, tipSpot = null, tipPinned = false, small = null;
  var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

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
  function placeTip(spot) {
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
    tip.style.left = Math.round(left) + 'px';
    tip.style.top = Math.round(top) + 'px';
  }
  /* Markers closer together than a fingertip (Hadrut and its villages on a
   * phone) share one tooltip: the spot's own events first, then its neighbours'. */
  function eventsNear(spot) {
    var r = spot.getBoundingClientRect(), out = spot.cmEvents.slice(), near = [];
    var cx = r.left + r.width / 2, cy = r.top + r.height / 2, all = spotsBox.children;
    for (var k = 0; k < all.length; k++) {
      var o = all[k].getBoundingClientRect();
      var d = Math.hypot(o.left + o.width / 2 - cx, o.top + o.height / 2 - cy);
      if (all[k] !== spot && d < r.width / 2) near.push({ d: d, events: all[k].cmEvents });
    }
    near.sort(function (a, b) { return a.d - b.d; });   /* nearest first */
    near.forEach(function (n) {
      n.events.forEach(function (i) { if (out.indexOf(i) < 0) out.push(i); });
    });
    return out;
  }
  function showTip(spot, pin) {
    if (tipSpot && tipSpot !== spot) tipSpot.setAttribute('aria-expanded', 'false');
    if (tipSpot !== spot) {
      clear(tip);
      eventsNear(spot).forEach(function (i) { tip.appendChild(eventCard(data.events[i])); });
    }
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
    b.addEventListener('mouseenter', function () { if (!tipPinned) showTip(b, false); });
    b.addEventListener('mouseleave', function () {
      setTimeout(function () {
        if (tipSpot === b && !tipPinned && !tip.matches(':hover') && document.activeElement !== b) hideTip();
      }, 120);
    });
    b.addEventListener('focus', function () { showTip(b, false); });
    b.addEventListener('blur', function () {
      setTimeout(function () {
        if (tipSpot === b && !tipPinned && !tip.contains(document.activeElement) && !b.matches(':hover')) hideTip();
      }, 0);
    });
    b.addEventListener('click', function (e) {
      e.stopPropagation();
      stop();
      if (tipSpot === b && tipPinned) hideTip(); else showTip(b, true);
    });
    return b;
  }
  tip.addEventListener('mouseleave', function () { if (!tipPinned) hideTip(); });
  document.addEventListener('click', function (e) {
    if (tipSpot && !tip.contains(e.target)) hideTip();
  });

  /* ---- the slice's lists ---- */
  function showNew(s) {
    var head = $('cm-new-head'), list = $('cm-new');
    head.textContent = w('New at {time}', { time: s.clock });
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
    var s = slices[current], scale = img.clientWidth / data.width;
    var box = $('cm-names'), list = $('cm-names-list'), names = [];
    var isSmall = img.clientWidth > 0 && scale * data.labelPx < data.readable;
    s.labels.forEach(function (l) { if (l[1] * scale < data.readable) names.push(l[0]); });
    s.dropped.forEach(function (t) { if (names.indexOf(t) < 0) names.push(t); });
    if (small !== isSmall) { small = isSmall; root.classList.toggle('cm-small', isSmall); }
    clear(list);
    names.forEach(function (t) { list.appendChild(el('li', '', t)); });
    $('cm-names-head').textContent = isSmall ? w('Names on this map') : w('Not labelled on this map');
    box.hidden = names.length === 0;
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
  function show(i, fromHash) {
    i = Math.max(0, Math.min(last, i));
    if (i === current) return;
    current = i;
    var s = slices[i];
    hideTip();
    img.srcset = s.png + ' ' + data.w1 + 'w' + (s.png2x ? ', ' + s.png2x + ' ' + data.w2 + 'w' : '');
    img.src = s.png;
    img.alt = s.alt;
    slider.value = String(i);
    slider.setAttribute('aria-valuetext', s.moment);
    moment.textContent = s.moment;
    $('cm-count').textContent = w('{n} of {count}', { n: i + 1, count: slices.length });
    link.href = '#t=' + s.t;
    prev.disabled = i === 0;
    next.disabled = i === last;
    clear(spotsBox);
    s.spots.forEach(function (sp) { spotsBox.appendChild(makeSpot(sp)); });
    showNew(s);
    showNames();
    if (!fromHash && location.hash !== '#t=' + s.t) {
      try { history.replaceState(null, '', '#t=' + s.t); } catch (e) { /* a sandboxed frame */ }
    }
    tellHeight();
  }
  /* #id=EVENT_ID: the slice where that event is new (else the first that
   * shows it), and its tooltip opened. */
  function eventFromHash() {
    var m = /^#id=(.+)$/.exec(location.hash);
    if (!m) return -1;
    var id = decodeURIComponent(m[1]);
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
  function fromHash() {
    var m = /^#t=(.+)$/.exec(location.hash);
    if (!m) return -1;
    var t = decodeURIComponent(m[1]), ms = Date.parse(t), best = -1;
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
  window.addEventListener('hashchange', function () {
    var ev = eventFromHash();
    if (ev >= 0 && openEvent(ev)) return;
    var i = fromHash();
    if (i >= 0) { stop(); show(i, true); }
  });
  window.addEventListener('resize', function () { showNames(); if (tipSpot) placeTip(tipSpot); tellHeight(); });
  img.addEventListener('load', function () { showNames(); tellHeight(); });

  /* In an article's iframe: tell the embedding page how tall the page is. */
  function tellHeight() {
    if (window.parent === window) return;
    window.parent.postMessage({ conflictmap: 'height', height: document.documentElement.scrollHeight }, '*');
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
