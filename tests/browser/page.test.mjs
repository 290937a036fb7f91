// Drives DIR/index.html in Debian's chromium through playwright-core, from
// disk (file://): the slider, the arrow keys, permalinks, a marker's tooltip,
// no console errors, no requests beyond the page's folder, and hostile
// headlines that must show as text and run nothing. Writes screenshots at
// 375 and 1280 px wide. Usage: node page.test.mjs OUT_DIR HOSTILE_DIR SHOT_DIR
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [outDir, hostileDir, shotDir] = process.argv.slice(2).map((p) => path.resolve(p));
const executablePath = process.env.CM_CHROMIUM || '/usr/bin/chromium';
let passed = 0, failed = 0;

function check(ok, what, got) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL: ${what}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`);
  }
}
function eq(got, want, what) { check(got === want, `${what}: expected ${JSON.stringify(want)}`, got); }

const manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8'));
const slices = manifest.slices;
// The page shows the published set's own copies of the images (sets/<id>/),
// which no later run changes, not the names at the top of the folder.
const setDir = 'sets/' + readFileSync(path.join(outDir, 'sets', 'current'), 'utf8').trim() + '/';
const pageUrl = pathToFileURL(path.join(outDir, 'index.html')).href;
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];
function human(iso) {   // what the map says: "9 October 2020, 08:22 GMT"
  const d = new Date(iso);
  const hh = String(d.getUTCHours()).padStart(2, '0'), mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} GMT`;
}
function permalink(iso) { return iso.replace(/:00Z$/, 'Z'); }

// Everything a page does that the test must see: errors, dialogs, requests.
function watch(page, dir, log) {
  const folder = pathToFileURL(dir).href + '/';
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') log.errors.push(m.text()); });
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('dialog', (d) => { log.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('request', (r) => { if (!r.url().startsWith(folder)) log.requests.push(r.url()); });
}
const newLog = () => ({ errors: [], dialogs: [], requests: [] });

async function state(page) {
  return page.evaluate(() => ({
    value: Number(document.getElementById('cm-slider').value),
    src: document.getElementById('cm-img').getAttribute('src'),
    current: document.getElementById('cm-img').currentSrc,
    loaded: document.getElementById('cm-img').naturalWidth,
    alt: document.getElementById('cm-img').alt,
    moment: document.getElementById('cm-moment').textContent,
    hash: location.hash,
  }));
}
async function loaded(page) {
  await page.waitForFunction(() => {
    const img = document.getElementById('cm-img');
    return img.complete && img.naturalWidth > 0;
  });
}

const browser = await chromium.launch({ executablePath, chromiumSandbox: false,
  args: ['--disable-gpu', '--no-first-run'] });
try {
  // ---- the example at 1280 px, reduced motion: it opens on the latest slice, still
  const log = newLog();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const page = await ctx.newPage();
  watch(page, outDir, log);
  await page.goto(pageUrl);
  await loaded(page);
  let s = await state(page);
  eq(s.value, slices.length - 1, 'reduced motion opens on the latest slice');
  eq(await page.getAttribute('#cm-play', 'aria-pressed'), 'false', 'reduced motion: not playing');

  // the fifth slice with the slider, by keyboard as a reader would
  await page.focus('#cm-slider');
  await page.keyboard.press('Home');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await loaded(page);
  s = await state(page);
  eq(s.value, 4, 'slider on the fifth slice');
  eq(s.src, setDir + slices[4].files.png, 'fifth slice: image');
  check(s.current.endsWith(slices[4].files.png) ||
        s.current.endsWith(slices[4].files.png.replace(/\.png$/, '@2x.png')),
        'fifth slice: the image shown is that slice\'s 1x or 2x PNG', s.current);
  check(s.loaded > 0, 'fifth slice: the image loaded from file:// under the CSP', s.loaded);
  eq(s.moment, human(slices[4].time), 'fifth slice: moment');
  eq(s.alt, slices[4].alt, 'fifth slice: alt text is the manifest\'s');
  eq(s.hash, '#t=' + permalink(slices[4].time), 'fifth slice: permalink in the address');
  eq(await page.textContent('#cm-new-head'), 'New at ' + human(slices[4].time).slice(-9, -4),
     'fifth slice: the heading of its new events');
  eq(await page.locator('#cm-new li').count(), slices[4].new_events.length, 'fifth slice: its new events listed');

  // arrow keys anywhere on the page (focus off the slider)
  await page.locator('#cm-moment').click();
  await page.keyboard.press('ArrowRight');
  s = await state(page);
  eq(s.value, 5, 'ArrowRight: next slice');
  eq(s.moment, human(slices[5].time), 'ArrowRight: its moment');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  s = await state(page);
  eq(s.value, 3, 'ArrowLeft twice: two slices back');
  eq(s.src, setDir + slices[3].files.png, 'ArrowLeft: image');
  await page.click('#cm-next');
  eq((await state(page)).value, 4, 'next button');
  await page.click('#cm-prev');
  eq((await state(page)).value, 3, 'previous button');

  // a permalink opens its slice
  const hadrutAt = slices.findIndex((sl) => sl.new_events.includes('hadrut-claimed-1515'));
  check(hadrutAt >= 0, 'the example has the Hadrut claim');
  const link = `${pageUrl}#t=${permalink(slices[hadrutAt].time)}`;
  const page2 = await ctx.newPage();
  watch(page2, outDir, log);
  await page2.goto(link);
  await loaded(page2);
  s = await state(page2);
  eq(s.value, hadrutAt, 'permalink: its slice');
  eq(s.src, setDir + slices[hadrutAt].files.png, 'permalink: its image');
  eq(s.moment, '9 October 2020, 15:15 GMT', 'permalink: its moment');

  // the Hadrut marker: the spot sits where the manifest says, and hovering shows the tooltip
  const [px, py] = slices[hadrutAt].positions['hadrut-claimed-1515'];
  const box = await page2.locator('#cm-img').boundingBox();
  const spot = page2.locator('.cm-spot', { hasText: '' }).filter({
    has: page2.locator('xpath=self::*[contains(@aria-label, "Aliyev says Hadrut taken")]') });
  eq(await spot.count(), 1, 'one marker for the Hadrut claim');
  const sb = await spot.boundingBox();
  const want = { x: box.x + px / manifest.width * box.width, y: box.y + py / manifest.height * box.height };
  check(Math.abs(sb.x + sb.width / 2 - want.x) < 1 && Math.abs(sb.y + sb.height / 2 - want.y) < 1,
        'Hadrut marker is placed from the scene position', [sb.x + sb.width / 2, sb.y + sb.height / 2, want]);
  await page2.mouse.move(want.x, want.y);
  await page2.waitForSelector('#cm-tip:not([hidden])');
  const tipText = await page2.textContent('#cm-tip');
  for (const part of ['Aliyev says Hadrut taken', '9 October 2020, 15:15 GMT', 'Hadrut', 'Claimed',
    'by Azerbaijan', "Source: Azerbaijan's president, televised address", 'historic victory'])
    check(tipText.includes(part), `Hadrut tooltip says "${part}"`, tipText);
  console.log(`Hadrut tooltip: ${tipText}`);
  await page2.screenshot({ path: path.join(shotDir, 'page-1280.png'), fullPage: true });
  await page2.mouse.move(5, 5);
  await page2.waitForSelector('#cm-tip', { state: 'hidden' });
  check(true, 'tooltip hides when the pointer leaves');
  // every event shown has a marker to hover
  const nSpotEvents = await page2.evaluate(() => [...document.querySelectorAll('.cm-spot')]
    .reduce((n, b) => n + b.cmEvents.length, 0));
  eq(nSpotEvents, slices[hadrutAt].events.length, 'every event of the slice has a marker with a tooltip');

  // the page's key names the statuses the events have, in the map legend's words
  const keyText = await page2.textContent('#cm-key');
  for (const part of ['Solid: reported, not verified', 'Hollow: claimed by one side, not verified'])
    check(keyText.includes(part), `key says "${part}"`, keyText);
  check(!keyText.includes('Solid: confirmed'), 'key does not call solid markers confirmed', keyText);

  // every spot carries the ids of the events it stands for (a CMS links to them)
  const spotIds = await page2.evaluate(() => [...document.querySelectorAll('.cm-spot')]
    .map((b) => b.getAttribute('data-ids')).join(' ').split(' ').filter(Boolean).sort());
  eq(JSON.stringify(spotIds), JSON.stringify([...slices[hadrutAt].events].sort()),
     'the spots\' data-ids are the slice\'s events');

  // an event's permalink (#id=) opens the slice where it is new, with its tooltip
  const page7 = await ctx.newPage();
  watch(page7, outDir, log);
  await page7.goto(`${pageUrl}#id=hadrut-claimed-1515`);
  await loaded(page7);
  eq((await state(page7)).value, hadrutAt, '#id=: the slice where the event is new');
  await page7.waitForSelector('#cm-tip:not([hidden])');
  check((await page7.textContent('#cm-tip')).includes('Aliyev says Hadrut taken'), '#id=: its tooltip open',
        await page7.textContent('#cm-tip'));
  await page7.close();

  // a high-density screen gets the 2x image
  const dense = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2,
    reducedMotion: 'reduce' });
  const page6 = await dense.newPage();
  watch(page6, outDir, log);
  await page6.goto(link);
  await loaded(page6);
  check((await state(page6)).current.endsWith(slices[hadrutAt].files.png.replace(/\.png$/, '@2x.png')),
        '1280 px at 2x density: the 2x image', (await state(page6)).current);

  eq(await page2.isVisible('.cm-head'), false, '1280 px: the picture carries the title');

  // ---- a phone, 375 px, touch: tap a marker; labels too small are listed below
  const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true,
    hasTouch: true, deviceScaleFactor: 2, reducedMotion: 'reduce' });
  const page3 = await phone.newPage();
  watch(page3, outDir, log);
  await page3.goto(link);
  await loaded(page3);
  eq(await page3.isVisible('.cm-head'), true, '375 px: the title is written out above the map');
  const names = await page3.textContent('#cm-names-list');
  check(await page3.isVisible('#cm-names') && names.includes('Hadrut'),
        '375 px: the labels too small to read are listed below the map', names);
  const box3 = await page3.locator('#cm-img').boundingBox();
  await page3.touchscreen.tap(box3.x + px / manifest.width * box3.width, box3.y + py / manifest.height * box3.height);
  await page3.waitForSelector('#cm-tip:not([hidden])');
  check((await page3.textContent('#cm-tip')).includes('Aliyev says Hadrut taken'), 'tap opens the tooltip');
  const covered = await page3.evaluate(([x, y]) => document.getElementById('cm-tip')
    .contains(document.elementFromPoint(x, y)), [box3.x + px / manifest.width * box3.width,
    box3.y + py / manifest.height * box3.height]);
  eq(covered, false, '375 px: the tooltip does not cover the marker tapped');
  eq(await page3.locator('.cm-spot[aria-expanded="true"]').count(), 1, 'tap: the tooltip stays open');
  await page3.screenshot({ path: path.join(shotDir, 'page-375.png'), fullPage: true });
  const width3 = await page3.evaluate(() => document.documentElement.scrollWidth);
  check(width3 <= 375, '375 px: nothing wider than the screen', width3);

  // ---- no reduced motion: the timeline plays from the start, and a button stops it
  const moving = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page4 = await moving.newPage();
  watch(page4, outDir, log);
  await page4.goto(pageUrl);
  await loaded(page4);
  eq(await page4.getAttribute('#cm-play', 'aria-pressed'), 'true', 'autoplay without reduced motion');
  await page4.click('#cm-play');
  eq(await page4.getAttribute('#cm-play', 'aria-pressed'), 'false', 'pause stops it');
  eq(await page4.getAttribute('#cm-play', 'aria-label'), 'Play', 'the button says what it will do');

  // ---- embed.html: an iframe with a title showing index.html
  const page5 = await ctx.newPage();
  watch(page5, outDir, log);
  await page5.goto(pathToFileURL(path.join(outDir, 'embed.html')).href);
  const frame = page5.frameLocator('iframe');
  await frame.locator('#cm-moment').waitFor();
  check((await page5.getAttribute('iframe', 'title')).startsWith('Interactive map: '), 'embed: the iframe has a title');
  check((await page5.locator('iframe').boundingBox()).height > 400, 'embed: the frame has room for the page');
  // the snippet's script sizes the frame to the height the page posts
  await page5.waitForFunction(() => document.querySelector('iframe').parentNode.style.height !== '');
  const inner = await frame.locator('html').evaluate((el) => el.scrollHeight);
  const outer = (await page5.locator('iframe').boundingBox()).height;
  check(Math.abs(outer - inner) <= 2, 'embed: the frame is as tall as the page in it', outer + ' vs ' + inner);

  // ---- every width: the slider, the play button and the moment above the fold
  for (const [w, h, touch] of [[1280, 800, false], [375, 667, true], [320, 568, true], [768, 1024, false],
    [1600, 900, false]]) {
    const fctx = await browser.newContext({ viewport: { width: w, height: h }, isMobile: touch, hasTouch: touch,
      deviceScaleFactor: touch ? 2 : 1, reducedMotion: 'reduce' });
    const fp = await fctx.newPage();
    watch(fp, outDir, log);
    await fp.goto(link);
    await loaded(fp);
    const r = await fp.evaluate(() => {
      const b = (s) => document.querySelector(s).getBoundingClientRect();
      return { slider: b('#cm-slider').bottom, play: b('#cm-play').bottom, moment: b('#cm-moment').bottom,
        img: b('#cm-img').width, scroll: document.documentElement.scrollWidth };
    });
    check(r.slider <= h && r.play <= h && r.moment <= h,
          `${w}x${h}: the slider, play and the moment in view without scrolling`, r);
    check(r.scroll <= w, `${w}x${h}: nothing wider than the screen`, r.scroll);
    check(r.img >= Math.min(w, 600) * 0.85, `${w}x${h}: the map takes the width it can`, r.img);
    await fp.screenshot({ path: path.join(shotDir, `fold-${w}.png`) });
    await fctx.close();
  }

  // ---- the embed in an article: height kept from the start and for every
  // slice; "Link to this moment" links to the article
  const snippet = readFileSync(path.join(outDir, 'embed.html'), 'utf8');
  const filler = Array.from({ length: 150 }, (_, k) => `<p>Paragraph ${k} of the live blog, long enough to `
    + 'wrap over a few lines in a column of an article as a reader scrolls down towards the map.</p>').join('\n');
  const article = (embed) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Live blog</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{margin:0;font:18px/1.5 Georgia,serif}.col{max-width:680px;margin:0 auto;padding:0 16px}</style>
</head><body><div class="col"><h1>Live blog</h1>${filler}
${embed}<p id="after">The text after the map.</p>${filler}</div></body></html>`;
  const articlePath = path.join(outDir, 'article.html');
  writeFileSync(articlePath, article(snippet));
  // the same article before the page in the frame has loaded: the room the snippet keeps
  writeFileSync(path.join(outDir, 'article-unloaded.html'), article(snippet.replace(/src="[^"]*"/, 'src="about:blank"')));
  const articleUrl = pathToFileURL(articlePath).href;
  for (const [w, h, touch] of [[1280, 800, false], [375, 667, true]]) {
    const actx = await browser.newContext({ viewport: { width: w, height: h }, isMobile: touch, hasTouch: touch,
      reducedMotion: 'reduce' });
    const ap = await actx.newPage();
    watch(ap, outDir, log);
    await ap.goto(articleUrl.replace(/article\.html$/, 'article-unloaded.html'));
    const before = await ap.evaluate(() => document.querySelector('iframe').getBoundingClientRect().height);
    await ap.goto(articleUrl);
    await ap.locator('iframe').scrollIntoViewIfNeeded();
    const af = ap.frameLocator('iframe');
    await af.locator('#cm-moment').waitFor();
    await ap.waitForFunction(() => document.querySelector('iframe').parentNode.style.height !== '');
    await ap.waitForTimeout(300);
    const heights = [], afters = [], inner = [];
    const frameHandle = ap.frames().find((f) => f !== ap.mainFrame());
    for (let i = 0; i < slices.length; i++) {
      await frameHandle.evaluate((v) => { const sl = document.getElementById('cm-slider'); sl.value = v;
        sl.dispatchEvent(new Event('input')); }, String(i));
      await ap.waitForTimeout(30);
      heights.push((await ap.locator('iframe').boundingBox()).height);
      afters.push(await ap.evaluate(() => document.getElementById('after').getBoundingClientRect().top + scrollY));
      inner.push(await frameHandle.evaluate(() => document.getElementById('cm').getBoundingClientRect().bottom));
    }
    const final = heights[heights.length - 1];
    console.log(`embed ${w}x${h}: reserved ${before} px before loading, ${final} px loaded;`
      + ` heights over the slices ${Math.min(...heights)}..${Math.max(...heights)}`);
    check(Math.abs(before - final) <= final * 0.06,
          `embed ${w} px: the height reserved before the page loads is the page's (within 6%)`, [before, final]);
    check(heights.every((v) => v === heights[0]) && afters.every((v) => v === afters[0]),
          `embed ${w} px: the frame and the article text below it never move while the slices play`,
          [heights, afters]);
    check(inner.every((v) => Math.abs(v - final) <= 1), `embed ${w} px: the page in it is as tall for every slice`, inner);
    const ev = await frameHandle.evaluate(() => {
      const a = document.getElementById('cm-link');
      return { href: a.href, target: a.target, value: Number(document.getElementById('cm-slider').value) };
    });
    eq(ev.href, articleUrl + '#t=' + permalink(slices[ev.value].time), `embed ${w} px: "Link to this moment" links to the article`);
    eq(ev.target, '_top', `embed ${w} px: the link opens in the article's window`);
    // what a reader sees who scrolled to the map: its top a little below the screen's
    await ap.evaluate(() => window.scrollBy(0, document.querySelector('iframe').getBoundingClientRect().top - 40));
    await ap.waitForTimeout(200);
    await ap.screenshot({ path: path.join(shotDir, `article-${w}.png`) });
    // the article's own address with a moment opens the map on it
    await ap.goto(articleUrl + '#t=' + permalink(slices[hadrutAt].time));
    await ap.locator('iframe').scrollIntoViewIfNeeded();
    await ap.frameLocator('iframe').locator('#cm-moment').waitFor();
    await ap.waitForFunction((v) => {
      const d = document.querySelector('iframe').contentDocument;
      return d && d.getElementById('cm-slider') && d.getElementById('cm-slider').value === v;
    }, String(hadrutAt), { timeout: 5000 }).catch(() => {});
    eq(await ap.frameLocator('iframe').locator('#cm-moment').textContent(), '9 October 2020, 15:15 GMT',
       `embed ${w} px: article.html#t= opens the map on that moment`);
    await actx.close();
  }

  // ---- a phone: a tap opens the place's events in a sheet clear of the controls
  const sctx = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true,
    deviceScaleFactor: 2, reducedMotion: 'reduce' });
  const sp = await sctx.newPage();
  watch(sp, outDir, log);
  await sp.goto(link);
  await loaded(sp);
  const sbox = await sp.locator('#cm-img').boundingBox();
  const tapAt = { x: sbox.x + px / manifest.width * sbox.width, y: sbox.y + py / manifest.height * sbox.height };
  await sp.touchscreen.tap(tapAt.x, tapAt.y);
  await sp.waitForSelector('#cm-tip:not([hidden])');
  const sheet = await sp.evaluate(() => {
    const t = document.getElementById('cm-tip'), r = (e) => { const b = e.getBoundingClientRect();
      return { l: b.left, t: b.top, r: b.right, b: b.bottom }; };
    return { sheet: t.classList.contains('cm-sheet'), box: r(t),
      place: (t.querySelector('.cm-sheet-place') || {}).textContent,
      heads: [...t.querySelectorAll('.cm-ev-head')].map((e) => e.textContent),
      metas: [...t.querySelectorAll('.cm-ev-meta')].map((e) => e.textContent),
      controls: [r(document.querySelector('.cm-controls')), r(document.getElementById('cm-play')),
        r(document.getElementById('cm-slider')), r(document.querySelector('.cm-moment'))] };
  });
  console.log(`phone sheet: ${JSON.stringify({ place: sheet.place, heads: sheet.heads, box: sheet.box })}`);
  check(sheet.sheet, '375 px: a tap opens a sheet', sheet);
  eq(sheet.place, 'Hadrut', '375 px: the sheet is the tapped place\'s');
  eq(sheet.heads[0], 'Aliyev says Hadrut taken', '375 px: the sheet starts with the tapped place\'s newest event');
  check(sheet.metas.length > 0 && sheet.metas.every((m) => m.endsWith('\u00b7 Hadrut')),
        '375 px: the sheet lists only the tapped place\'s events', sheet.metas);
  const times = sheet.metas.map((m) => Date.parse(m.replace(/ \u00b7 .*$/, '').replace(' GMT', ' UTC')));
  check(times.every((t, k) => k === 0 || t <= times[k - 1]), '375 px: the sheet\'s events newest first', sheet.metas);
  const overlaps = (a, b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
  check(!sheet.controls.some((c) => overlaps(sheet.box, c)), '375 px: the sheet covers no control or the moment',
        sheet);
  check(!(tapAt.x > sheet.box.l && tapAt.x < sheet.box.r && tapAt.y > sheet.box.t && tapAt.y < sheet.box.b),
        '375 px: the sheet does not cover the place tapped', [tapAt, sheet.box]);
  await sp.screenshot({ path: path.join(shotDir, 'sheet-375.png') });
  await sp.keyboard.press('Escape');
  check(await sp.isHidden('#cm-tip'), '375 px: Escape closes the sheet');
  await sp.touchscreen.tap(tapAt.x, tapAt.y);
  await sp.waitForSelector('#cm-tip:not([hidden])');
  const away = await sp.locator('.cm-moment').boundingBox();
  await sp.touchscreen.tap(away.x + away.width - 4, away.y + 4);
  await sp.waitForTimeout(100);
  check(await sp.isHidden('#cm-tip'), '375 px: a tap elsewhere closes the sheet');
  await sctx.close();

  eq(log.errors.join('\n'), '', 'no console errors or warnings');
  eq(log.requests.join('\n'), '', 'no requests beyond the page\'s folder');
  eq(log.dialogs.length, 0, 'no dialogs');

  // ---- hostile headlines: shown as text, nothing runs
  const hlog = newLog();
  const hctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const hp = await hctx.newPage();
  watch(hp, hostileDir, hlog);
  await hp.addInitScript(() => { window.__alerts = 0; window.alert = () => { window.__alerts++; }; });
  await hp.goto(pathToFileURL(path.join(hostileDir, 'index.html')).href);
  await loaded(hp);
  const hm = JSON.parse(readFileSync(path.join(hostileDir, 'manifest.json'), 'utf8'));
  const seen = [];
  for (let i = 0; i < hm.slices.length; i++) {
    await hp.evaluate((v) => { const sl = document.getElementById('cm-slider'); sl.value = v;
      sl.dispatchEvent(new Event('input')); }, String(i));
    for (const b of await hp.locator('.cm-spot').all()) {
      await b.hover();
      seen.push(await hp.textContent('#cm-tip'));
      await b.click();
      await hp.keyboard.press('Escape');
    }
    seen.push(await hp.textContent('#cm-new'));
  }
  const all = seen.join('\n');
  for (const text of ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', ']]>', '</script>',
    '<![CDATA[ <svg onload=alert(1)> ]]>'])
    check(all.includes(text), `hostile text shows as text: ${text}`);
  eq(await hp.title(), '</script><script>alert(1)</script> & <!-- ]]>', 'hostile title shows as text');
  const dom = await hp.evaluate(() => ({
    imgs: document.querySelectorAll('img').length,
    scripts: document.querySelectorAll('script').length,
    svgs: document.querySelectorAll('svg').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')).filter((h) => !h.startsWith('#')),
    alerts: window.__alerts,
  }));
  eq(dom.imgs, 1, 'hostile: no injected <img>');
  eq(dom.scripts, 2, 'hostile: no injected <script>');
  eq(dom.svgs, 4, 'hostile: no injected <svg> (the four button icons only)');
  eq(dom.handlers, 0, 'hostile: no element with an on* attribute');
  eq(dom.alerts, 0, 'hostile: alert never called');
  eq(hlog.dialogs.length, 0, 'hostile: no dialogs');
  check(!all.includes('javascript:') || !dom.links.some((h) => /^\s*(javascript|data):/i.test(h)),
        'hostile: no javascript: or data: link', dom.links);
  check(dom.links.every((h) => /^https?:\/\//i.test(h)), 'hostile: links only to http(s)', dom.links);
  eq(hlog.requests.join('\n'), '', 'hostile: no requests beyond the folder (no x, no example.org)');
  eq(hlog.errors.join('\n'), '', 'hostile: no console errors');
} finally {
  await browser.close();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
