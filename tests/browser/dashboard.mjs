#!/usr/bin/env node
// End-to-end checks of the ictstat web dashboard in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core). See README.md beside this file.
//
// Usage: node dashboard.mjs http://127.0.0.1:PORT
//
// The server must hold the bundled data plus tests/fixtures/web/dashboard_estimates.csv
// (scripts/browser-tests.sh sets that up). Every check prints one `PASS <name>` or
// `FAIL <name>: <what>` line; the exit status is 1 when any check failed.
//
// On every page a check opens, a console message of type error, an uncaught exception, a
// failed request or a same-origin response with HTTP status >= 400 fails the check, unless
// the check declared that very response as expected (the 404 page). Expected values come from
// the JSON API of the same server, never from constants copied from the pages. Nothing waits
// for a fixed time: checks wait for navigations, downloads and selectors.

import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.argv[2] || process.env.ICTSTAT_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ORIGIN = new URL(BASE).origin;
const SHOTS = path.resolve(process.env.SCREENSHOT_DIR || path.join(HERE, '..', '..', 'target', 'browser-screenshots'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ONLY = process.env.ONLY ? new RegExp(process.env.ONLY) : null;

const IND = 'IT_USE_ii99';
const KENYA = '404';
const UGANDA = '800';
const RWANDA = '646';
const TUVALU = '798';
const WORLD = '001';
const LDC = '199';

// --- JSON API helpers (Node's fetch: outside the browser, so outside its error listeners) ----

async function api(pathAndQuery) {
  const res = await fetch(BASE + pathAndQuery);
  const text = await res.text();
  assert.equal(res.status, 200, `GET ${pathAndQuery} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Every observation of a query (the API pages with next_offset). */
async function observations(query) {
  const out = [];
  let offset = 0;
  for (;;) {
    const page = await api(`/api/v1/observations?${query}&offset=${offset}`);
    out.push(...page.data);
    if (page.next_offset == null) return out;
    offset = page.next_offset;
  }
}

const isTotal = (row) => Object.keys(row.breakdown || {}).length === 0;
const isYear = (row) => /^\d{4}$/.test(row.period);
const hasValue = (row) => row.value !== null && row.value !== undefined;
/** A breakdown as the dashboard writes it in `bd`: `SEX=F;URBANISATION=R`, order-free. */
const bdKey = (bd) => Object.entries(bd).map(([k, v]) => `${k}=${v}`).sort().join(';');
const bdNorm = (text) => text.split(';').filter(Boolean).sort().join(';');

/** Rows of one area and breakdown that the chart plots: annual values that are present. */
async function chartRows(areas, breakdown = {}) {
  const rows = await observations(`indicator=${IND}&area=${areas.join(',')}`);
  return rows.filter((r) => isYear(r) && hasValue(r) && bdKey(r.breakdown) === bdKey(breakdown));
}

const estimated = (r) => r.obs_status === 'E' || ['E', 'M', 'CA'].includes(r.nature);
const hasInterval = (r) =>
  (r.lower_bound != null && r.upper_bound != null) || (r.std_error != null && hasValue(r));

function close(a, b, what) {
  const ok = Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  assert.ok(ok, `${what}: ${a} ≠ ${b}`);
}

/** A small RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return body.filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

// --- The runner ----------------------------------------------------------------------------------

const checks = [];
function check(name, fn) {
  checks.push({ name, fn });
}

/**
 * What a check works with: a fresh page in its own context, watched for errors.
 * `t.goto(path, { status })` opens a page and asserts its HTTP status (200 unless told);
 * a status other than 200 declared there is the one expected error of that document.
 */
async function makeHarness(browser, name) {
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const problems = [];
  const expected = new Set(); // URLs whose error status a check declared
  const downloads = new Set(); // URLs the browser handed to the download manager
  const watch = (page) => {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const url = msg.location()?.url || '';
      if (expected.has(url) && /status of \d{3}/.test(msg.text())) return;
      // Chromium asks every new origin for /favicon.ico, once per browser and on whichever page
      // comes first; the 'site icon' check covers that request deterministically.
      if (url === `${ORIGIN}/favicon.ico`) return;
      problems.push(`console error on ${page.url()}: ${msg.text()}${url ? ` (${url})` : ''}`);
    });
    page.on('pageerror', (err) => problems.push(`uncaught exception on ${page.url()}: ${err.message}`));
    page.on('requestfailed', (req) => {
      // A link with `download` ends its navigation request as aborted once the download
      // manager takes it over: not a failure.
      const aborted = /ERR_ABORTED/.test(req.failure()?.errorText || '');
      if (downloads.has(req.url()) && aborted) return;
      // Chromium asks for a page's declared icon after its load event, and a navigation that
      // starts at once (a check clicking on) aborts that request: the next page asks again.
      // An icon that fails to load is still caught (a failure other than the abort, or an
      // error status below).
      if (aborted && req.url().startsWith(`${ORIGIN}/assets/icon.`)) return;
      problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText} (page now at ${page.url()})`);
    });
    page.on('response', (res) => {
      if (new URL(res.url()).origin !== ORIGIN || res.status() < 400 || expected.has(res.url())) return;
      problems.push(`HTTP ${res.status()} for ${res.request().resourceType()} ${res.url()}`);
    });
    page.on('download', (d) => downloads.add(d.url()));
  };
  context.on('page', watch);
  const page = await context.newPage();
  const t = {
    page,
    context,
    problems,
    async goto(p, { status = 200 } = {}) {
      const url = new URL(p, BASE).href;
      if (status !== 200) expected.add(url);
      const res = await page.goto(url, { waitUntil: 'load' });
      assert.ok(res, `no response for ${p}`);
      assert.equal(res.status(), status, `GET ${p}: HTTP ${res.status()}`);
      return res;
    },
    /** Declares that `p` answers an error status in this check (a refused form post). */
    expect(p) {
      expected.add(new URL(p, BASE).href);
    },
    /** Runs `action` and waits for the navigation it starts to load a URL matching `test`. */
    async navigation(action, test) {
      await Promise.all([page.waitForURL(test, { waitUntil: 'load' }), action()]);
    },
    /** A screenshot: the whole page, the viewport only (`{ fullPage: false }`), or one element. */
    async shot(file, { fullPage = true, element = null } = {}) {
      await mkdir(SHOTS, { recursive: true });
      const to = path.join(SHOTS, file);
      if (element) await page.locator(element).first().screenshot({ path: to });
      else await page.screenshot({ path: to, fullPage });
      t.shots.push(to);
    },
    shots: [],
    notes: [],
  };
  return t;
}

// --- Page helpers ----------------------------------------------------------------------------

const indicatorUrl = (query) => `/indicators/${IND}?${query}`;

/** The marks of each series of the chart: { area: { marks, estimated, band, years } }. */
async function chartSeries(page) {
  return page.$$eval('svg.chart g.series', (groups) =>
    Object.fromEntries(groups.map((g) => [g.getAttribute('data-series'), {
      marks: g.querySelectorAll('circle.mark').length,
      estimated: [...g.querySelectorAll('circle.mark.estimated')].map((c) => c.querySelector('title')?.textContent || ''),
      band: g.querySelectorAll('path.band').length,
      finite: [...g.querySelectorAll('circle.mark')].every((c) =>
        Number.isFinite(parseFloat(c.getAttribute('cx'))) && Number.isFinite(parseFloat(c.getAttribute('cy')))),
    }])));
}

/** The country rows of `table.sortable`: code (from the /countries link), value, period. */
async function tableRows(page) {
  return page.$$eval('table.sortable tbody tr', (trs) => trs.map((tr) => {
    const a = tr.querySelector('a[href*="/countries/"]');
    const num = tr.querySelector('td.num[data-value]');
    const cells = tr.querySelectorAll('td');
    return {
      code: a ? new URL(a.getAttribute('href'), location.href).pathname.split('/').pop() : null,
      name: a?.textContent.trim() ?? null,
      value: num ? parseFloat(num.getAttribute('data-value')) : null,
      text: num?.textContent.trim() ?? null,
      period: cells[0]?.textContent.trim() ?? null,
    };
  }));
}

/** Every map element with a data-area: code → { hasData, value, tag, point }. */
async function mapAreas(page) {
  return page.$$eval('svg.map .country[data-area]', (els) => {
    const out = {};
    for (const el of els) {
      out[el.getAttribute('data-area')] = {
        hasData: el.classList.contains('has-data'),
        value: el.hasAttribute('data-value') ? parseFloat(el.getAttribute('data-value')) : null,
        tag: el.tagName.toLowerCase(),
        point: el.classList.contains('point'),
      };
    }
    return out;
  });
}

async function assertRendered(page, selector) {
  const box = await page.locator(selector).first().boundingBox();
  assert.ok(box && box.width > 200 && box.height > 100, `${selector} is not laid out visibly (box ${JSON.stringify(box)})`);
}

// --- Checks ------------------------------------------------------------------------------------

check('sign-in: a wrong password is refused, the right one signs in with a new HttpOnly cookie, sign-out ends it', async (t) => {
  const login = process.env.ICTSTAT_TEST_LOGIN;
  const password = process.env.ICTSTAT_TEST_PASSWORD;
  if (!login || !password) {
    t.notes.push('ICTSTAT_TEST_LOGIN/ICTSTAT_TEST_PASSWORD not set: skipped');
    return;
  }
  await t.goto('/');
  await t.navigation(() => t.page.locator('header.site .account a').click(), /\/signin$/);
  // A wrong password: the same form again, with a message (401 is the expected answer).
  t.expect('/signin');
  await t.page.fill('#login', login);
  await t.page.fill('#password', 'not the password at all');
  await t.navigation(() => t.page.locator('form.signin button').click(), /\/signin$/);
  assert.equal(await t.page.locator('p.error').count(), 1, 'an error message');
  await t.page.fill('#login', login);
  await t.page.fill('#password', password);
  await t.navigation(() => t.page.locator('form.signin button').click(), /\/account$/);
  assert.equal((await t.page.locator('main h1').textContent()).trim(), 'Your account');
  const cookies = await t.context.cookies();
  const session = cookies.find((c) => c.name === 'ictstat_session');
  assert.ok(session, 'a session cookie');
  assert.equal(session.httpOnly, true, 'HttpOnly');
  assert.equal(session.sameSite, 'Lax', 'SameSite');
  assert.equal((await t.page.locator('header.site .account a').textContent()).trim(), login);
  await t.shot('account.png');
  // A token: shown once, listed after, revoked by its button (forms under `form-action 'self'`).
  await t.page.fill('#token-name', 'browser check');
  await t.navigation(() => t.page.locator('form[action="/account/tokens"] button').click(), /\/account\/tokens$/);
  const secret = (await t.page.locator('p.secret code').textContent()).trim();
  assert.match(secret, /^ict_[0-9a-f]{64}$/, 'the new token');
  await t.goto('/account');
  assert.ok(!(await t.page.content()).includes(secret), 'the token is shown once only');
  const row = t.page.locator('tr', { hasText: 'browser check' });
  await t.navigation(() => row.locator('button').click(), /\/account$/);
  assert.equal((await row.locator('td').last().textContent()).trim(), 'Revoked');
  await t.navigation(() => t.page.locator('form.signout button').click(), (u) => u.pathname === '/');
  assert.ok(!(await t.context.cookies()).some((c) => c.name === 'ictstat_session'), 'the cookie is gone');
  assert.equal((await t.page.locator('header.site .account a').textContent()).trim(), 'Sign in');
});

check('home: heading, facts, search form, Internet-use headline with the World\'s latest aggregate', async (t) => {
  await t.goto('/');
  const h1 = (await t.page.locator('main h1').textContent()).trim();
  assert.ok(h1.length > 0, 'empty h1');
  assert.equal(await t.page.locator('h1').count(), 1, 'one h1');
  const facts = await t.page.locator('ul.facts li').count();
  assert.ok(facts >= 3, `ul.facts has ${facts} items`);
  assert.equal(await t.page.locator('form.search-big').count(), 1, 'form.search-big');
  assert.ok(await t.page.locator('section.headline table').count() >= 1, 'no headline table');
  // The world's latest figure of the Internet-use headline is the aggregates API's.
  const agg = (await api(`/api/v1/aggregates?indicator=${IND}&group=${WORLD}`)).data
    .filter((d) => d.aggregate.value != null);
  const last = agg[agg.length - 1];
  const rows = t.page.locator(`section.headline:has(h3 a[href="/indicators/${IND}"]) tbody tr`);
  assert.ok(await rows.count() > 0, `no headline rows for ${IND}`);
  assert.equal((await rows.first().locator('th').textContent()).trim(), 'World', 'first headline row');
  const cells = await rows.first().locator('td').allTextContents();
  assert.equal(cells[1].trim(), String(last.year), 'World headline year');
  assert.equal(cells[0].trim(), last.aggregate.value.toFixed(1), 'World headline value (1 decimal)');
  assert.equal(await rows.first().locator('svg.spark circle.last').count(), 1, 'World sparkline');
  await t.shot('home.png');
});

check('home: every headline table has rows, each with a sparkline', async (t) => {
  await t.goto('/');
  const tables = await t.page.$$eval('section.headline table', (ts) => ts.map((tb) => ({
    rows: tb.querySelectorAll('tbody tr').length,
    sparks: tb.querySelectorAll('tbody tr svg.spark').length,
    dots: tb.querySelectorAll('tbody tr svg.spark circle.last').length,
    link: tb.closest('section').querySelector('h3 a')?.getAttribute('href'),
  })));
  assert.ok(tables.length >= 1, 'no headline table');
  const empty = tables.filter((tb) => tb.rows === 0).map((tb) => tb.link);
  assert.deepEqual(empty, [], 'headline tables without a row');
  for (const tb of tables) {
    assert.equal(tb.sparks, tb.rows, `headline ${tb.link}: sparklines per row`);
    assert.equal(tb.dots, tb.rows, `headline ${tb.link}: last-value dots per row`);
  }
});

check('site icon: pages declare an icon or /favicon.ico exists (browsers request it: a 404 is a console error)', async (t) => {
  await t.goto('/');
  const icons = await t.page.$$eval('link[rel~="icon"]', (ls) => ls.map((l) => l.href));
  if (icons.length === 0) {
    const res = await t.page.request.get(`${BASE}/favicon.ico`);
    assert.ok(res.status() < 400, `no <link rel="icon"> in <head> and GET /favicon.ico answers ${res.status()}`);
  }
  for (const href of icons.filter((h) => !h.startsWith('data:'))) {
    const res = await t.page.request.get(href);
    assert.ok(res.status() < 400, `icon ${href} answers ${res.status()}`);
  }
});

check('home: searching "Kenya" lists /countries/404', async (t) => {
  await t.goto('/');
  await t.page.locator('form.search-big input[name="q"]').fill('Kenya');
  await t.navigation(() => t.page.locator('form.search-big button[type="submit"]').click(), /\/search\?q=Kenya$/);
  const links = t.page.locator(`main a[href="/countries/${KENYA}"]`);
  assert.equal(await links.count(), 1, 'link to /countries/404');
  assert.equal((await links.textContent()).trim(), 'Kenya');
  await t.shot('search.png');
});

check('indicators: the list links every indicator of the catalogue', async (t) => {
  await t.goto('/indicators');
  const hrefs = await t.page.$$eval('main a[href^="/indicators/"]', (as) => as.map((a) => a.getAttribute('href')));
  const codes = new Set(hrefs.map((h) => h.split('/')[2].split('?')[0]));
  const expected = (await api('/api/v1/indicators')).map((i) => i.code);
  assert.deepEqual([...codes].sort(), [...new Set(expected)].sort());
  await t.shot('indicators.png');
});

check('indicator: one circle.mark per annual value, per series (compared with the API)', async (t) => {
  await t.goto(indicatorUrl(`area=${KENYA},${UGANDA}`));
  await assertRendered(t.page, 'svg.chart');
  const series = await chartSeries(t.page);
  assert.deepEqual(Object.keys(series), [KENYA, UGANDA], 'g.series[data-series] in order');
  const rows = await chartRows([KENYA, UGANDA]);
  for (const area of [KENYA, UGANDA]) {
    const n = rows.filter((r) => r.area === area).length;
    assert.ok(n > 0, `the API has no value for ${area}`);
    assert.equal(series[area].marks, n, `marks of ${area}`);
    assert.ok(series[area].finite, `a mark of ${area} has no finite position`);
  }
  assert.equal(await t.page.locator('svg.chart circle.mark').count(), rows.length, 'marks in the chart');
  await t.shot('indicator.png');
});

check('indicator: uncertainty band and hollow estimated mark where the data has them', async (t) => {
  await t.goto(indicatorUrl(`area=${KENYA},${UGANDA}`));
  const series = await chartSeries(t.page);
  const rows = await chartRows([KENYA, UGANDA]);
  for (const area of [KENYA, UGANDA]) {
    const mine = rows.filter((r) => r.area === area);
    assert.equal(series[area].band > 0, mine.some(hasInterval), `path.band in ${area}: ${series[area].band}`);
    assert.equal(series[area].estimated.length, mine.filter(estimated).length, `circle.mark.estimated in ${area}`);
  }
  // The fixture: Kenya 2020–2021 have bounds, Kenya 2021 is estimated.
  assert.ok(series[KENYA].band > 0, 'no path.band in Kenya');
  assert.ok(series[KENYA].estimated.some((tip) => tip.includes('2021')), `Kenya 2021 not estimated: ${series[KENYA].estimated}`);
});

check('indicator map: .has-data countries are the table rows, with the same values', async (t) => {
  await t.goto(indicatorUrl(`area=${KENYA},${UGANDA}`));
  await assertRendered(t.page, 'svg.map');
  const map = await mapAreas(t.page);
  const rows = await tableRows(t.page);
  const drawn = Object.keys(map).length;
  assert.ok(drawn > 150, `only ${drawn} countries on the map`);
  assert.ok(rows.length > 100, `only ${rows.length} table rows`);
  assert.equal(new Set(rows.map((r) => r.code)).size, rows.length, 'a country twice in the table');

  // The table is each country's latest total in the API.
  const countries = new Set((await api('/api/v1/areas?kind=country')).map((a) => a.code));
  const latest = (await observations(`indicator=${IND}&latest=true`))
    .filter((r) => isTotal(r) && hasValue(r) && isYear(r) && countries.has(r.area));
  assert.deepEqual(rows.map((r) => r.code).sort(), latest.map((r) => r.area).sort(), 'table countries vs API latest');
  const byArea = Object.fromEntries(latest.map((r) => [r.area, r]));
  for (const r of rows) close(r.value, byArea[r.code].value, `table value of ${r.code}`);

  const undrawable = rows.filter((r) => !map[r.code]).map((r) => r.code);
  for (const r of rows) {
    if (!map[r.code]) continue;
    assert.ok(map[r.code].hasData, `${r.code} (${r.name}) has a value but is not .has-data`);
    close(map[r.code].value, r.value, `map value of ${r.code}`);
  }
  const withData = Object.entries(map).filter(([, m]) => m.hasData).map(([c]) => c);
  assert.equal(withData.length, rows.length - undrawable.length, '.has-data count vs drawable table rows');
  const inTable = new Set(rows.map((r) => r.code));
  const extra = withData.filter((c) => !inTable.has(c));
  assert.deepEqual(extra, [], '.has-data countries missing from the table');
  assert.ok(undrawable.length <= rows.length * 0.05, `too many countries not drawn: ${undrawable}`);
  if (undrawable.length) t.notes.push(`countries with data the map cannot draw: ${undrawable.join(', ')}`);
});

check('indicator map: Tuvalu is a circle.country.point.has-data in 2020', async (t) => {
  await t.goto(indicatorUrl(`area=${KENYA},${UGANDA}&year=2020`));
  assert.equal(await t.page.locator('select#year').inputValue(), '2020', 'select#year');
  const tuvalu = t.page.locator(`svg.map [data-area="${TUVALU}"]`);
  assert.equal(await tuvalu.count(), 1, 'one Tuvalu element');
  const info = await tuvalu.evaluate((el) => ({ tag: el.tagName.toLowerCase(), cls: el.getAttribute('class'), value: el.getAttribute('data-value') }));
  assert.equal(info.tag, 'circle');
  for (const c of ['country', 'point', 'has-data']) assert.ok(info.cls.split(/\s+/).includes(c), `class "${info.cls}" lacks ${c}`);
  const api2020 = (await chartRows([TUVALU])).find((r) => r.period === '2020');
  assert.ok(api2020, 'the API has no 2020 value for Tuvalu');
  close(parseFloat(info.value), api2020.value, 'Tuvalu 2020');
  const box = await tuvalu.boundingBox();
  assert.ok(box && box.width > 0 && box.height > 0, 'Tuvalu point not laid out');
  // Every table row is a 2020 value.
  const rows = await tableRows(t.page);
  assert.ok(rows.length > 0 && rows.every((r) => r.period === '2020'), 'table rows of other years');
  await t.shot('indicator-map-2020.png', { element: 'figure.map' });
});

check('disaggregation: select#bd offers the data\'s breakdowns; choosing SEX=F and Apply charts the female points', async (t) => {
  await t.goto(indicatorUrl(`area=${KENYA},${UGANDA}`));
  const options = await t.page.$$eval('form#controls select#bd option', (os) => os.map((o) => o.value));
  const all = await observations(`indicator=${IND}`);
  const expected = [...new Set(all.map((r) => bdKey(r.breakdown)))].sort();
  assert.deepEqual(options.map(bdNorm).sort(), expected, 'breakdown options vs the API');
  assert.ok(options.includes('SEX=F') && options.includes('SEX=M'), `options ${options}`);
  // Choosing an option changes nothing by itself (no reload while a keyboard user steps
  // through the options); the form's button applies it.
  await t.page.locator('select#bd').selectOption('SEX=F');
  assert.equal(new URL(t.page.url()).searchParams.get('bd'), null, 'choosing an option reloaded the page');
  await t.navigation(() => t.page.locator('form#controls button[type=submit]').click(), /[?&]bd=SEX(%3D|=)F(&|$)/);
  assert.equal(await t.page.locator('select#bd').inputValue(), 'SEX=F', 'select#bd keeps the choice');
  const url = new URL(t.page.url());
  assert.deepEqual(url.searchParams.get('area').split(','), [KENYA, UGANDA], 'areas kept');
  const series = await chartSeries(t.page);
  const rows = await chartRows([KENYA, UGANDA], { SEX: 'F' });
  assert.equal(rows.length, 2, `the fixture's female points (Kenya and Uganda 2020): ${rows.length}`);
  for (const area of [KENYA, UGANDA]) {
    const mine = rows.filter((r) => r.area === area);
    assert.equal(series[area]?.marks, mine.length, `female marks of ${area}`);
    assert.equal(series[area].band > 0, mine.some(hasInterval), `path.band of ${area} (Kenya has standard errors)`);
  }
  assert.equal(await t.page.locator('svg.chart circle.mark').count(), 2, 'marks in the chart');
  await t.shot('indicator-sex-f.png', { element: 'figure.chart' });
});

check('pick a country: "Rwanda" in input#add adds area 646 and its series', async (t) => {
  await t.goto(indicatorUrl(`area=${KENYA},${UGANDA}`));
  assert.equal(await t.page.locator('datalist#area-list option[value="Rwanda"]').count(), 1, 'Rwanda in the datalist');
  await t.page.locator('input#add').fill('Rwanda');
  await t.navigation(() => t.page.locator('input#add').press('Enter'), (u) => (u.searchParams.get('area') || '').split(',').includes(RWANDA));
  const url = new URL(t.page.url());
  assert.equal(url.searchParams.get('add'), null, 'the canonical URL has no add=');
  assert.deepEqual(url.searchParams.get('area').split(','), [KENYA, UGANDA, RWANDA]);
  const series = await chartSeries(t.page);
  assert.ok(series[RWANDA], 'no g.series[data-series="646"]');
  assert.equal(series[RWANDA].marks, (await chartRows([RWANDA])).length, 'marks of Rwanda');
  assert.equal(await t.page.locator(`ul.chips a[href="/countries/${RWANDA}"]`).count(), 1, 'Rwanda chip');
});

check('sorting: value ascending then descending; the first row is the min, then the max', async (t) => {
  await t.goto(indicatorUrl(`area=${KENYA},${UGANDA}`));
  const headers = t.page.locator('table.sortable thead th a');
  assert.equal(await headers.count(), 2, 'sort links (name, value)');
  const valueLink = t.page.locator('table.sortable thead th:nth-child(3) a');
  await t.navigation(() => valueLink.click(), (u) => u.searchParams.get('sort') === 'value' && u.searchParams.get('dir') === 'asc');
  let rows = await tableRows(t.page);
  const values = rows.map((r) => r.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  assert.equal(rows[0].value, min, 'first row ascending');
  assert.ok(values.every((v, i) => i === 0 || values[i - 1] <= v), 'ascending order');
  assert.equal(await t.page.locator('table.sortable thead th:nth-child(3)').getAttribute('aria-sort'), 'ascending');
  await t.navigation(() => valueLink.click(), (u) => u.searchParams.get('sort') === 'value' && u.searchParams.get('dir') === 'desc');
  rows = await tableRows(t.page);
  assert.equal(rows[0].value, max, 'first row descending');
  assert.ok(rows.every((r, i) => i === 0 || rows[i - 1].value >= r.value), 'descending order');
  assert.equal(await t.page.locator('table.sortable thead th:nth-child(3)').getAttribute('aria-sort'), 'descending');
  // The first row's td.num[data-value] is the API's largest latest value.
  const countries = new Set((await api('/api/v1/areas?kind=country')).map((a) => a.code));
  const latest = (await observations(`indicator=${IND}&latest=true`)).filter((r) => isTotal(r) && hasValue(r) && countries.has(r.area));
  close(rows[0].value, Math.max(...latest.map((r) => r.value)), 'max latest value');
  await t.navigation(() => t.page.locator('table.sortable thead th:nth-child(1) a').click(), (u) => u.searchParams.get('sort') === 'name');
  assert.equal(await t.page.locator('table.sortable thead th:nth-child(1)').getAttribute('aria-sort'), 'ascending');
  await t.shot('indicator-sorted.png', { element: 'table.sortable' });
});

check('download: the chart CSV (countries and World) matches the observations and aggregates APIs', async (t) => {
  await t.goto(indicatorUrl(`area=${KENYA},${UGANDA},${WORLD}`));
  const link = t.page.locator('p.downloads').first().locator('a', { hasText: 'CSV' });
  const href = await link.getAttribute('href');
  assert.match(href, /view=chart/, 'first download link is the chart\'s');
  const [download] = await Promise.all([t.page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), `${IND}-chart.csv`);
  const csv = parseCsv(await readFile(await download.path(), 'utf8'));
  assert.ok(csv.length > 0, 'empty CSV');
  for (const col of ['indicator', 'area', 'period', 'value']) assert.ok(col in csv[0], `CSV column ${col}`);
  assert.ok(csv.every((r) => r.indicator === IND), 'indicator column');
  // Countries: exactly the API's annual totals.
  const key = (area, period) => `${area}/${period}`;
  const apiRows = await chartRows([KENYA, UGANDA]);
  const csvCountries = csv.filter((r) => r.area !== WORLD);
  assert.deepEqual(csvCountries.map((r) => key(r.area, r.period)).sort(), apiRows.map((r) => key(r.area, r.period)).sort(), 'country rows');
  const apiValue = Object.fromEntries(apiRows.map((r) => [key(r.area, r.period), r.value]));
  for (const r of csvCountries) close(parseFloat(r.value), apiValue[key(r.area, r.period)], `CSV ${key(r.area, r.period)}`);
  // The World: the aggregates that have a value.
  const agg = await api(`/api/v1/aggregates?indicator=${IND}&group=${WORLD}`);
  const aggRows = agg.data.filter((d) => d.group === WORLD && d.aggregate.value != null);
  const csvWorld = csv.filter((r) => r.area === WORLD);
  assert.ok(aggRows.length > 0, 'no World aggregate');
  assert.deepEqual(csvWorld.map((r) => r.period), aggRows.map((d) => String(d.year)), 'World years');
  csvWorld.forEach((r, i) => close(parseFloat(r.value), aggRows[i].aggregate.value, `CSV World ${r.period}`));
  // And the same file fetched by the browser's own request context.
  const again = await t.page.request.get(new URL(href, BASE).href);
  assert.equal(again.status(), 200);
  assert.equal(parseCsv(await again.text()).length, csv.length, 'same CSV when fetched again');
});

check('download: the map CSV lists the table\'s countries and values', async (t) => {
  await t.goto(indicatorUrl(`area=${KENYA}&year=2020`));
  const link = t.page.locator('p.downloads').nth(1).locator('a', { hasText: 'CSV' });
  assert.match(await link.getAttribute('href'), /view=map/, 'second download link is the map\'s');
  const [download] = await Promise.all([t.page.waitForEvent('download'), link.click()]);
  const csv = parseCsv(await readFile(await download.path(), 'utf8'));
  const rows = await tableRows(t.page);
  assert.deepEqual(csv.map((r) => r.area).sort(), rows.map((r) => r.code).sort(), 'areas');
  const byCode = Object.fromEntries(rows.map((r) => [r.code, r]));
  for (const r of csv) {
    assert.equal(r.period, '2020', `period of ${r.area}`);
    close(parseFloat(r.value), byCode[r.area].value, `value of ${r.area}`);
  }
});

check('embed: the chart without site navigation', async (t) => {
  await t.goto(`/embed/indicators/${IND}?area=${KENYA}`);
  await assertRendered(t.page, 'svg.chart');
  const series = await chartSeries(t.page);
  assert.deepEqual(Object.keys(series), [KENYA]);
  assert.equal(series[KENYA].marks, (await chartRows([KENYA])).length, 'marks of Kenya');
  for (const sel of ['header.site', 'nav', 'a.skip', 'footer.site', 'form.search']) {
    assert.equal(await t.page.locator(sel).count(), 0, `${sel} in the embed`);
  }
  const back = await t.page.locator('p.embed-source a').getAttribute('href');
  assert.equal(back, `/indicators/${IND}?area=${KENYA}`, 'link to the full view');
  await t.shot('embed.png');
});

check('country profile: Kenya, its latest values and the gaps section', async (t) => {
  await t.goto(`/countries/${KENYA}`);
  assert.equal((await t.page.locator('main h1').textContent()).trim(), 'Kenya');
  const table = t.page.locator('section[aria-labelledby="latest-h"] table');
  assert.equal(await table.count(), 1, 'latest-values table');
  const row = table.locator(`tbody tr:has(th a[href^="/indicators/${IND}?"])`);
  assert.equal(await row.count(), 1, `a row for ${IND}`);
  const latest = (await chartRows([KENYA])).at(-1);
  const cell = (await row.locator('td.num').first().textContent()).replace(/\s+/g, ' ').trim();
  assert.ok(cell.startsWith(latest.value.toFixed(1)) && cell.endsWith(latest.period), `Kenya latest "${cell}" vs ${latest.value} (${latest.period})`);
  assert.equal(await row.locator('svg.spark').count(), 1, 'sparkline');
  assert.equal(await t.page.locator('#gaps-h').count(), 1, '#gaps-h');
  await t.shot('country.png');
});

check('availability: the LDC filter lists the LDCs only', async (t) => {
  await t.goto(`/availability?group=${LDC}`);
  assert.equal(await t.page.locator('select#group').inputValue(), LDC, 'select#group');
  const codes = await t.page.$$eval('table#availability tbody tr th a', (as) =>
    as.map((a) => new URL(a.getAttribute('href'), location.href).pathname.split('/').pop()));
  const members = (await api(`/api/v1/areas?group=${LDC}&kind=country`)).map((a) => a.code);
  assert.deepEqual([...codes].sort(), [...members].sort(), 'rows vs the API\'s LDC members');
  assert.ok(codes.includes(UGANDA), 'Uganda missing');
  assert.ok(!codes.includes(KENYA), 'Kenya listed');
  await t.shot('availability-ldc.png');
});

check('availability: the disaggregation matrix ticks Kenya and Uganda for IT_USE_ii99 by sex', async (t) => {
  await t.goto('/availability/disaggregation');
  const table = t.page.locator('table#disaggregation');
  assert.equal(await table.count(), 1, 'table#disaggregation');
  const heads = await table.locator('thead th').evaluateAll((ths) => ths.map((th) => ({
    href: th.querySelector('a')?.getAttribute('href') || '',
    dim: th.querySelector('small')?.textContent.trim() || '',
  })));
  const col = heads.findIndex((h) => h.href === `/indicators/${IND}` && /^sex$/i.test(h.dim));
  assert.ok(col > 0, `no ${IND} × sex column: ${JSON.stringify(heads.filter((h) => h.href.includes(IND)))}`);
  const cell = async (area) => {
    const tr = table.locator(`tbody tr:has(th a[href="/countries/${area}"])`);
    assert.equal(await tr.count(), 1, `row of ${area}`);
    return (await tr.locator('th, td').nth(col).textContent()).trim();
  };
  for (const area of [KENYA, UGANDA]) assert.ok((await cell(area)).startsWith('✓'), `no ✓ for ${area}`);
  // Cross-check with the API: a country without sex data for IT_USE_ii99 has no tick.
  const bySex = new Set((await observations(`indicator=${IND}`)).filter((r) => hasValue(r) && r.breakdown.SEX).map((r) => r.area));
  const ticked = await table.locator('tbody tr').evaluateAll((trs, c) => trs.filter((tr) => tr.children[c]?.textContent.trim().startsWith('✓'))
    .map((tr) => new URL(tr.querySelector('th a').getAttribute('href'), location.href).pathname.split('/').pop()), col);
  const rowsShown = new Set(await table.locator('tbody tr th a').evaluateAll((as) =>
    as.map((a) => new URL(a.getAttribute('href'), location.href).pathname.split('/').pop())));
  assert.deepEqual(ticked.sort(), [...bySex].filter((a) => rowsShown.has(a)).sort(), 'ticks vs the API');
  await t.shot('availability-disaggregation.png', { fullPage: false });
});

check('frameworks: the list and the SDG_ICT page', async (t) => {
  await t.goto('/frameworks');
  const ids = await t.page.$$eval('main ul.cards a[href^="/frameworks/"]', (as) => as.map((a) => a.getAttribute('href').split('/')[2]));
  const frameworks = await api('/api/v1/frameworks');
  assert.deepEqual(ids, frameworks.map((f) => f.id), 'framework links');
  await t.shot('frameworks.png');
  await t.navigation(() => t.page.locator('main a[href="/frameworks/SDG_ICT"]').click(), /\/frameworks\/SDG_ICT$/);
  const sdg = await api('/api/v1/frameworks/SDG_ICT');
  assert.equal((await t.page.locator('main h1').textContent()).trim(), sdg.name, 'h1');
  const items = await t.page.locator('main table.data').first().locator('tbody tr').count();
  assert.equal(items, sdg.items.length, 'items table rows');
  assert.ok(await t.page.locator(`main table.data a[href="/indicators/${IND}"]`).count() >= 1, `link to ${IND}`);
  await t.shot('framework-sdg-ict.png');
});

for (const [tag, name] of [['fr', 'Français'], ['es', 'Español']]) {
  check(`language: "${name}" sets html[lang=${tag}] and links keep lang=${tag}`, async (t) => {
    await t.goto(indicatorUrl(`area=${KENYA}`));
    const englishNav = await t.page.locator('header.site nav[aria-label] > ul a').allTextContents();
    await t.navigation(() => t.page.locator('nav.lang a', { hasText: name }).click(), (u) => u.searchParams.get('lang') === tag);
    assert.equal(await t.page.locator('html').getAttribute('lang'), tag, 'html lang');
    assert.equal(new URL(t.page.url()).searchParams.get('area'), KENYA, 'the view is kept');
    const current = t.page.locator('nav.lang [aria-current]');
    assert.equal(await current.count(), 1, 'one aria-current in the switcher');
    assert.equal((await current.textContent()).trim(), name, 'aria-current marks the language');
    assert.equal(await t.page.locator('nav.lang a', { hasText: name }).count(), 0, 'the current language is not a link');
    // Numbers follow the language: a decimal comma in French and Spanish.
    const text = await t.page.locator('table.sortable tbody tr td.num[data-value]').first().textContent();
    assert.match(text.trim(), /^[\d\u202f.]+,\d$/, `value "${text.trim()}" in ${tag} notation`);
    assert.equal(await t.page.locator('form#controls input[type="hidden"][name="lang"]').getAttribute('value'), tag, 'controls keep lang');
    const nav = await t.page.locator('header.site nav[aria-label] > ul a').allTextContents();
    if (nav.join() === englishNav.join()) t.notes.push(`navigation text is still English in ${tag}: ${nav.join(', ')}`);
    await t.shot(`indicator-${tag}.png`, { fullPage: false });
    // Following a navigation link keeps the language.
    await t.navigation(() => t.page.locator('header.site nav[aria-label] > ul a').first().click(), (u) => u.pathname === '/indicators');
    assert.equal(new URL(t.page.url()).searchParams.get('lang'), tag, 'lang kept in the URL');
    assert.equal(await t.page.locator('html').getAttribute('lang'), tag, 'html lang after navigation');
    assert.equal((await t.page.locator('nav.lang [aria-current]').textContent()).trim(), name);
    const links = await t.page.$$eval('main a[href^="/indicators/"]', (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.length > 0 && links.every((h) => h.endsWith(`?lang=${tag}`)), 'indicator links keep lang');
  });
}

check('keyboard: Tab reaches the skip link, then the main controls, with visible focus', async (t) => {
  await t.goto(indicatorUrl(`area=${KENYA},${UGANDA}`));
  const focused = () => t.page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      id: el.id, tag: el.tagName.toLowerCase(), cls: el.className, text: (el.textContent || '').trim().slice(0, 40),
      type: el.getAttribute('type'),
      inMain: !!el.closest('main'), inControls: !!el.closest('#controls'),
      focusVisible: el.matches(':focus-visible'),
      outline: `${cs.outlineStyle} ${cs.outlineWidth}`,
      outlined: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0,
      onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth,
    };
  });
  const visible = (f, what) => {
    assert.ok(f.focusVisible, `${what}: not :focus-visible`);
    assert.ok(f.outlined, `${what}: no focus outline (${f.outline})`);
    assert.ok(f.onScreen, `${what}: focused but off screen`);
  };
  await t.page.keyboard.press('Tab');
  let f = await focused();
  assert.ok(f.tag === 'a' && f.cls.split(/\s+/).includes('skip'), `first Tab focuses ${JSON.stringify(f)}`);
  visible(f, 'skip link');
  await t.shot('keyboard-skip-link.png', { fullPage: false });
  await t.page.keyboard.press('Enter');
  await t.page.waitForURL((u) => u.hash === '#main');
  // After the skip link, Tab goes into main (not back through the header), then reaches the
  // breakdown, year, country input and the Apply button of #controls, in that order.
  await t.page.keyboard.press('Tab');
  f = await focused();
  assert.ok(f.inMain, `after the skip link, Tab focuses ${JSON.stringify(f)} outside main`);
  const want = ['select#bd', 'select#year', 'input#add', 'button'];
  const seen = [];
  for (let i = 0; i < 80 && seen.length < want.length; i++) {
    if (f.inControls) {
      const name = f.id ? `${f.tag}#${f.id}` : f.tag;
      visible(f, name);
      seen.push(name);
    }
    if (seen.length < want.length) {
      await t.page.keyboard.press('Tab');
      f = await focused();
    }
  }
  assert.deepEqual(seen, want, 'focus order in #controls');
  await t.shot('keyboard-controls.png', { fullPage: false });
});

check('404: an unknown path is an HTML page with status 404', async (t) => {
  const res = await t.goto('/nope', { status: 404 });
  assert.match(res.headers()['content-type'] || '', /^text\/html/);
  assert.equal(await t.page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await t.page.locator('main h1').count(), 1, 'h1');
  assert.ok((await t.page.locator('main').textContent()).includes('/nope'), 'the page names the path');
  assert.equal(await t.page.locator('main a[href="/"]').count(), 1, 'a link home');
  await t.shot('not-found.png');
});

check('links: every same-origin link of the home and indicator pages answers < 400', async (t) => {
  const hrefs = new Set();
  for (const p of ['/', indicatorUrl(`area=${KENYA},${WORLD}`)]) {
    await t.goto(p);
    // Country links of the big table are left out (one profile is checked above).
    const found = await t.page.$$eval('a[href]', (as) => as
      .filter((a) => !a.closest('table.sortable tbody'))
      .map((a) => a.href));
    for (const h of found) if (new URL(h).origin === ORIGIN) hrefs.add(h.split('#')[0]);
  }
  assert.ok(hrefs.size > 10, `only ${hrefs.size} links`);
  const bad = [];
  for (const h of hrefs) {
    const res = await t.page.request.get(h, { maxRedirects: 5 });
    if (res.status() >= 400) bad.push(`${res.status()} ${h}`);
  }
  assert.deepEqual(bad, [], 'broken links');
  t.notes.push(`${hrefs.size} links followed`);
});

/** Signs `login` in through the form (the harness's password), landing on /account. */
async function signIn(t, login) {
  await t.goto('/signin');
  await t.page.fill('#login', login);
  await t.page.fill('#password', process.env.ICTSTAT_TEST_PASSWORD);
  await t.navigation(() => t.page.locator('form.signin button').click(), /\/account$/);
  assert.equal((await t.page.locator('header.site .account a').textContent()).trim(), login, 'signed in');
}

async function signOut(t) {
  await t.navigation(() => t.page.locator('form.signout button').click(), (u) => u.pathname === '/');
}

/** Kenya's row of the indicator page's country table: its value cell's text and marks. */
async function kenyaCell(t) {
  await t.goto(indicatorUrl(`area=${KENYA}`));
  const cell = t.page.locator(`table.sortable tbody tr:has(a[href="/countries/${KENYA}"]) td.num`);
  assert.equal(await cell.count(), 1, 'Kenya in the country table');
  return {
    value: parseFloat(await cell.getAttribute('data-value')),
    revised: await cell.locator('abbr.revised').count(),
  };
}

// After the read-only checks: it opens a consultation (a draft of the thematic list) and comments
// on it, which no other check looks at.
check('consultation: the framework page lists its versions, a signed-in user comments on the draft and replies, the custodian answers', async (t) => {
  const { ICTSTAT_TEST_ADMIN: admin, ICTSTAT_TEST_LOGIN: viewer, ICTSTAT_TEST_CUSTODIAN: custodian } = process.env;
  if (!admin || !viewer || !custodian || !process.env.ICTSTAT_TEST_PASSWORD) {
    t.notes.push('ICTSTAT_TEST_ADMIN/LOGIN/CUSTODIAN/PASSWORD not set: skipped');
    return;
  }
  const list = 'THEMATIC_SDG';
  // The administrator opens the draft, with the item of Internet use renamed, through the API
  // with their session (the dashboard has no form for it); 409 when one is open already, as
  // when the checks run again on the same server.
  const current = await api(`/api/v1/frameworks/${list}`);
  const item = current.items.find((i) => i.indicators.includes(IND)).code;
  const items = current.items.map((i) => (i.code === item ? { ...i, name: `${i.name}, by sex and age` } : i));
  await signIn(t, admin);
  const csrf = await t.page.locator('input[name="csrf"]').first().getAttribute('value');
  const opened = await t.page.request.post(`${BASE}/api/v1/frameworks/${list}/versions`, {
    headers: { 'x-csrf-token': csrf, origin: ORIGIN },
    data: { label: 'Browser test draft', items },
  });
  assert.ok([201, 409].includes(opened.status()), `opening the draft: HTTP ${opened.status()}`);
  await signOut(t);
  const versions = await api(`/api/v1/frameworks/${list}/versions`);
  const draft = versions.findLast((v) => v.status === 'draft');
  assert.ok(draft, 'a draft is open');
  const draftPath = `/frameworks/${list}/versions/${draft.version}`;

  // The public framework page lists every version; the draft's page takes no comment from
  // the public, and says how to comment.
  await t.goto(`/frameworks/${list}`);
  assert.equal(await t.page.locator('table#versions tbody tr').count(), versions.length, 'a row per version');
  const draftRow = t.page.locator(`table#versions tr[data-version="${draft.version}"]`);
  for (const kind of ['added', 'removed', 'changed']) {
    assert.equal((await draftRow.locator(`td.${kind}`).textContent()).trim(), String(draft[kind]), `items ${kind}`);
  }
  await t.shot('framework-versions.png');
  await t.navigation(() => draftRow.locator(`a[href="${draftPath}"]`).click(), (u) => u.pathname === draftPath);
  const { changes } = await api(`/api/v1/frameworks/${list}/versions/${draft.version}`);
  const fields = changes.changed.flatMap((c) => c.fields);
  assert.equal(await t.page.locator('table#changed tbody tr').count(), fields.length, 'a row per changed field');
  assert.equal(await t.page.locator('form#comment-form').count(), 0, 'no comment form for the public');
  assert.equal(await t.page.locator('p.sign-in-to-comment a[href="/signin"]').count(), 1, 'a way to sign in');

  // A signed-in viewer comments on the item of Internet use, then replies to the comment.
  const commentOf = (u) => u.pathname === draftPath && /^#comment-\d+$/.test(u.hash);
  await signIn(t, viewer);
  await t.goto(draftPath);
  await t.page.selectOption('#comment-item', item);
  await t.page.fill('#comment-body', 'Keep the 2015 wording, from the browser tests');
  await t.navigation(() => t.page.locator('form#comment-form button[type="submit"]').click(), commentOf);
  const first = new URL(t.page.url()).hash.slice(1);
  const comment = t.page.locator(`li#${first}`);
  assert.ok((await comment.locator('p.comment-body').textContent()).includes('Keep the 2015 wording'), 'the comment');
  assert.ok((await comment.locator('.item').textContent()).includes(item), 'on its item');
  assert.equal(await comment.getAttribute('data-status'), 'open');
  await comment.locator('details.reply summary').click();
  await comment.locator('textarea[name="body"]').fill('Agreed, from the browser tests');
  await t.navigation(() => comment.locator('details.reply button[type="submit"]').click(), (u) => commentOf(u) && u.hash !== `#${first}`);
  const reply = t.page.locator(`li${new URL(t.page.url()).hash}`);
  assert.match(await reply.getAttribute('class'), /\bdepth-1\b/, 'the reply under the comment');
  assert.equal(await reply.locator(`a.in-reply[href="#${first}"]`).count(), 1, 'says what it answers');
  assert.equal(await t.page.locator('form.comment-status').count(), 0, 'a viewer sets no status');
  await signOut(t);

  // The custodian of Internet use answers the comment on its item.
  await signIn(t, custodian);
  await t.goto(draftPath);
  const status = t.page.locator(`li#${first} form.comment-status`);
  await status.locator('select').selectOption('answered');
  await t.navigation(() => status.locator('button').click(), (u) => u.hash === `#${first}`);
  assert.equal(await t.page.locator(`li#${first}`).getAttribute('data-status'), 'answered');
  await t.shot('consultation.png');
  await signOut(t);
});

// Last: it publishes a release, which changes Kenya's latest value for the checks after it.
check('publication: a provider uploads a CSV, a custodian accepts it with a row comment, an administrator publishes it, the public sees the revised value', async (t) => {
  const { ICTSTAT_TEST_PROVIDER: provider, ICTSTAT_TEST_CUSTODIAN: custodian, ICTSTAT_TEST_ADMIN: admin } = process.env;
  if (!provider || !custodian || !admin || !process.env.ICTSTAT_TEST_PASSWORD) {
    t.notes.push('ICTSTAT_TEST_PROVIDER/CUSTODIAN/ADMIN/PASSWORD not set: skipped');
    return;
  }
  // Kenya's latest total, as published: the value to revise (one no release has revised yet).
  const latest = (await chartRows([KENYA])).sort((a, b) => a.period.localeCompare(b.period)).at(-1);
  const before = await kenyaCell(t);
  close(before.value, latest.value, 'Kenya\'s latest value in the table');
  assert.equal(before.revised, 0, 'Kenya\'s latest value is not marked revised yet');
  const revised = Math.round(latest.value * 10 + 17) / 10;
  const header = 'indicator,area,period,sex,value,source\n';
  const file = (value) => ({
    name: 'kenya.csv', mimeType: 'text/csv',
    buffer: Buffer.from(`${header}${IND},KEN,${latest.period},_T,${value},Browser test survey\n`),
  });

  // The provider: a file with an error first (its report, nothing kept: 422), then the good one.
  await signIn(t, provider);
  await t.navigation(() => t.page.locator('header.site nav a[href="/submissions"]').click(), /\/submissions$/);
  await t.navigation(() => t.page.locator('main a.upload').click(), /\/submissions\/new$/);
  t.expect('/submissions/new');
  await t.page.setInputFiles('#file', file('lots'));
  await t.navigation(() => t.page.locator('form#upload button[type="submit"]').click(), /\/submissions\/new$/);
  assert.equal((await t.page.locator('main h1').textContent()).trim(), 'Not submitted');
  const error = t.page.locator('table.report tbody tr.error');
  assert.equal(await error.count(), 1, 'one error row in the report');
  const cells = (await error.locator('td').allTextContents()).map((c) => c.trim());
  assert.deepEqual(cells.slice(1, 5), ['kenya.csv', '2', 'value', 'lots'], 'file, line, column, value');
  assert.ok(cells[5].length > 0 && cells[6].length > 0, 'a message and a fix');
  assert.equal(await t.page.locator('main a.submission').count(), 0, 'nothing was kept');
  await t.shot('upload-report.png');
  await t.goto('/submissions/new');
  await t.page.setInputFiles('#file', file(revised));
  await t.page.fill('#comment', 'Revised from the browser test survey');
  await t.shot('upload.png');
  await t.navigation(() => t.page.locator('form#upload button[type="submit"]').click(), /\/submissions\/new$/);
  assert.equal((await t.page.locator('main h1').textContent()).trim(), 'Submitted for review');
  assert.equal(await t.page.locator('section.report').count(), 1, 'the report');
  await t.navigation(() => t.page.locator('main a.submission').click(), /\/submissions\/\d+$/);
  const submission = new URL(t.page.url()).pathname;
  const id = submission.split('/').pop();
  const row = t.page.locator('table#rows tbody tr');
  assert.equal(await row.count(), 1, 'one submitted row');
  assert.equal(await row.getAttribute('class'), 'change-revised');
  assert.equal((await row.locator('td.submitted').textContent()).trim(), String(revised), 'the submitted value');
  close(parseFloat(await row.locator('td.published').textContent()), latest.value, 'the published value');
  assert.equal(await t.page.locator('form#review').count(), 0, 'a submitter does not review');
  assert.equal(await t.page.locator('form.withdraw').count(), 1, 'but may withdraw');
  await t.shot('submission.png');
  await signOut(t);

  // The custodian accepts it, with a comment on the row.
  await signIn(t, custodian);
  await t.goto(submission);
  await t.page.fill(`input[name="comment.${IND}|${KENYA}||${latest.period}"]`, 'Matches the survey tables');
  await t.page.fill('#review-comment', 'Accepted in the browser test');
  await t.shot('review.png');
  await t.navigation(() => t.page.locator('form#review button[value="accept"]').click(), (u) => u.pathname === submission);
  assert.equal((await t.page.locator('dd.state').textContent()).trim(), 'Accepted');
  assert.equal((await t.page.locator('table#rows td.comments p.comment').textContent()).includes('Matches the survey tables'), true, 'the row comment');
  assert.equal(await t.page.locator('form#review').count(), 0, 'decided once');
  await signOut(t);

  // The administrator publishes it as a release.
  await signIn(t, admin);
  await t.goto('/releases');
  const box = t.page.locator(`form#publish input[name="submission"][value="${id}"]`);
  assert.equal(await box.isChecked(), true, 'the accepted submission is offered, ticked');
  await t.page.fill('#release-name', 'browser-test');
  await t.page.fill('#release-description', 'Published by the browser tests');
  await t.shot('publish.png');
  await t.navigation(() => t.page.locator('form#publish button[type="submit"]').click(), /\/releases\/browser-test$/);
  await signOut(t);

  // The public: the release and what it changed, the new value marked revised.
  await t.goto('/releases');
  assert.equal(await t.page.locator('form#publish').count(), 0, 'no publish form for the public');
  await t.navigation(() => t.page.locator('table#releases a[href="/releases/browser-test"]').click(), /\/releases\/browser-test$/);
  const change = t.page.locator(`table#changes tbody tr:has(a[href="/indicators/${IND}"])`);
  assert.equal(await change.count(), 1, 'one change of Internet use');
  close(parseFloat(await change.locator('td.before').textContent()), latest.value, 'before');
  assert.equal((await change.locator('td.after').textContent()).trim(), String(revised), 'after');
  assert.equal((await change.locator('td').last().textContent()).trim(), provider, 'the author');
  assert.equal((await t.page.locator('ul.changes li.revised strong').textContent()).trim(), '1', 'one value revised');
  await t.shot('release.png');
  const after = await kenyaCell(t);
  close(after.value, revised, 'Kenya\'s value in the table');
  assert.equal(after.revised, 1, 'marked revised');
  assert.equal(await t.page.locator('p.revised-note').count(), 1, 'the mark explained once');
  const api = (await observations(`indicator=${IND}&area=${KENYA}`)).find((r) => isTotal(r) && r.period === latest.period);
  close(api.value, revised, 'the API\'s value');
});

// --- Main ------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
  console.log(`browser-tests: ${browser.version()} against ${BASE}; screenshots in ${SHOTS}`);
  let failed = 0;
  let ran = 0;
  for (const { name, fn } of checks) {
    if (ONLY && !ONLY.test(name)) continue;
    ran++;
    const t = await makeHarness(browser, name);
    let error = null;
    try {
      await fn(t);
    } catch (e) {
      error = e;
    }
    // Let the browser deliver events of what already happened (no timing: one round trip).
    await t.page.evaluate(() => 0).catch(() => {});
    if (!error && t.problems.length) error = new Error(t.problems.join('; '));
    else if (error && t.problems.length) error.message += ` [also: ${t.problems.join('; ')}]`;
    if (error) {
      failed++;
      const where = error.stack?.split('\n').find((l) => l.includes('dashboard.mjs'))?.trim() ?? '';
      let detail = '';
      if (error.code === 'ERR_ASSERTION' && !error.generatedMessage) {
        const show = (v) => { const j = JSON.stringify(v); return j && j.length > 400 ? `${j.slice(0, 400)}…` : j; };
        detail = ` (got ${show(error.actual)}, want ${show(error.expected)})`;
      }
      console.log(`FAIL ${name}: ${error.message.split('\n')[0]}${detail}${where ? `  [${where.replace(/^at /, '')}]` : ''}`);
      try { await t.shot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`); } catch { /* page gone */ }
    } else {
      console.log(`PASS ${name}`);
    }
    for (const n of t.notes) console.log(`     note: ${n}`);
    await t.context.close();
  }
  await browser.close();
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`browser-tests: ${ran - failed} of ${ran} checks passed (${secs} s)`);
  if (ran === 0) {
    console.log('browser-tests: no check matched ONLY');
    return 1;
  }
  return failed ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(`browser-tests: ${e.stack || e}`);
  process.exitCode = 1;
});
