// The dashboard in a real browser: Debian's chromium driven by playwright-core (which never
// downloads a browser) watches the catalog breaker open during an outage and close after recovery.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startExample } from '../src/server.mjs';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];
const artifacts = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

let app;
let context;
let profile;
let traffic;

/** Keeps catalog requests (and a little of everything else) flowing until stopped, so the page has live figures. */
function keepTraffic(url) {
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const requests = [fetch(`${url}/api/catalog`)];
      if (i % 4 === 0) requests.push(fetch(`${url}/api/search?q=kayak`), fetch(`${url}/api/feed`));
      if (i % 10 === 0) requests.push(fetch(`${url}/api/reports/export`, { headers: { 'x-api-key': 'demo-key' } }), fetch(`${url}/api/slow`));
      await Promise.all(requests.map((request) => request.then((response) => response.arrayBuffer())));
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

const outage = (value) =>
  fetch(`${app.url}/admin/upstreams/catalog`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outage: value }) }).then((response) => {
    expect(response.status).toBe(200);
  });

beforeAll(async () => {
  if (!existsSync(executablePath)) throw new Error(`no chromium at ${executablePath}: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
  // No catalog deadline: on a busy machine a slow answer must not open the breaker before the outage does.
  app = await startExample({ framework: 'express', port: 0, tuning: { recoveryTimeout: '1500ms', catalogTimeout: '30s' } });
  profile = mkdtempSync(join(tmpdir(), 'bw-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath, args, headless: true, viewport: { width: 1360, height: 1000 } });
});

afterAll(async () => {
  await traffic?.();
  await context?.close();
  await app?.close();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
});

it('shows the catalog breaker open during an outage and closed after recovery', { timeout: 120_000 }, async () => {
  const page = context.pages()[0] ?? (await context.newPage());
  const foreign = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(app.url)) foreign.push(request.url());
  });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });

  traffic = keepTraffic(app.url);
  await page.goto(`${app.url}/dashboard`);
  await page.waitForSelector('body[data-connection="live"]');
  const breaker = page.locator('[data-breaker="catalog"]');
  await expect.poll(() => breaker.getAttribute('data-state'), { timeout: 30_000 }).toBe('closed');

  await outage(true);
  await expect.poll(() => breaker.getAttribute('data-state'), { timeout: 30_000 }).toBe('open');
  expect(await breaker.locator('[data-field="state"]').textContent()).toBe('open');
  expect(await page.locator('#health').textContent()).toBe('degraded'); // one policy of several is unhealthy
  await expect.poll(() => breaker.locator('.changes').textContent()).toContain('closed \u2192 open');
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'dashboard-open.png'), fullPage: true });

  await outage(false);
  await expect.poll(() => breaker.getAttribute('data-state'), { timeout: 30_000 }).toBe('closed');
  const changes = await breaker.locator('.changes').textContent();
  expect(changes).toContain('open \u2192 half-open');
  expect(changes).toContain('half-open \u2192 closed');

  // The other panels are there and filled in.
  await expect.poll(() => page.locator('[data-rate-limit="search-per-ip"] [data-field="totals"]').textContent()).not.toBe('0 / 0');
  expect(await page.locator('[data-rate-limit="feed-global"]').count()).toBe(1);
  expect(await page.locator('[data-quota="reports"] tr[data-key="key:demo-key"][data-period="hour"] [data-field="used"]').textContent()).toMatch(/^\d+ \/ 50$/);
  expect(await page.locator('[data-bulkhead="reports-engine"] [data-field="active"]').textContent()).toMatch(/^\d \/ 2$/);
  expect(await page.locator('[data-store="MemoryStore"] [data-field="status"]').textContent()).toBe('ok');

  await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});
