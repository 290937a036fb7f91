// Live reload in Chromium (issue 18 item 6): a page served by `conflictmap
// watch --serve`, open on one moment (#t=), loads the new set by itself when
// the events file is saved, and stays on that moment.
// Usage: node live.test.mjs CONFLICTMAP EXAMPLE WORK_DIR
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, renameSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const [cli, example, work] = process.argv.slice(2).map((p) => path.resolve(p));
const executablePath = process.env.CM_CHROMIUM || '/usr/bin/chromium';
let failed = 0;
function check(ok, what, got) {
  if (!ok) { failed++; console.log(`FAIL: ${what}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`); }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((res) => {
  const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
});

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const events = path.join(work, 'events.json'), out = path.join(work, 'out');
copyFileSync(example, events);
const port = await freePort();
let log = '';
const watcher = spawn(cli, ['watch', events, '-o', out, '--format', 'html', '--serve', '--port', String(port)]);
watcher.stderr.on('data', (d) => { log += d; });
for (let i = 0; i < 600 && !log.includes('serving'); i++) await sleep(100);
check(log.includes('serving'), 'watch --serve started', log);

const current = () => readFileSync(path.join(out, 'sets', 'current'), 'utf8').trim();
const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
const at = manifest.slices.findIndex((s) => s.time === '2020-10-09T15:15:00Z');
const first = current();
const browser = await chromium.launch({ executablePath, chromiumSandbox: false, args: ['--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // a 404 is said by its URL below (Chromium asks any server for /favicon.ico)
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`http://127.0.0.1:${port}/#t=2020-10-09T15:15Z`);
  await page.waitForFunction(() => document.getElementById('cm-img').naturalWidth > 0);
  const src0 = await page.getAttribute('#cm-img', 'src');
  check(src0.startsWith(`sets/${first}/`), 'the page shows the published set', src0);
  check(Number(await page.inputValue('#cm-slider')) === at, 'the page is on 15:15');

  // a save: one headline changed, written beside and renamed over, as editors do
  const text = readFileSync(events, 'utf8').replace('"Aliyev says Hadrut taken"', '"Aliyev says Hadrut is taken"');
  writeFileSync(events + '.tmp', text);
  renameSync(events + '.tmp', events);
  let second = first;
  for (let i = 0; i < 200 && second === first; i++) { await sleep(50); second = current(); }
  check(second !== first, 'watch published a new set', log);
  await page.waitForFunction((id) => (document.getElementById('cm-img').getAttribute('src') || '')
    .startsWith(`sets/${id}/`), second, { timeout: 10000 });
  await page.waitForFunction(() => document.getElementById('cm-img').naturalWidth > 0);
  check(Number(await page.inputValue('#cm-slider')) === at, 'after the reload the page is still on 15:15',
    await page.inputValue('#cm-slider'));
  const listed = await page.textContent('#cm-new');
  check(listed.includes('Aliyev says Hadrut is taken'), 'the new headline is listed', listed);
  check(errors.length === 0, 'no errors in the page', errors);
  console.log(`live reload: set ${first} -> ${second}, page reloaded onto 15:15`);
} finally {
  await browser.close();
  watcher.kill('SIGINT');
}
if (failed) { console.log(`${failed} failure(s)`); process.exit(1); }
console.log('live: all checks passed');
