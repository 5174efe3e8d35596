import { createHash } from 'node:crypto';
import { pageScript } from './page-script.js';

const styles = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #1d2430; --muted: #667085; --line: #e3e6eb;
  --ok: #1f9d55; --warn: #d98e04; --bad: #d64545; --iso: #7a4fd6; --off: #98a2b3; }
@media (prefers-color-scheme: dark) { :root { --bg: #11151c; --card: #1a2029; --text: #e6e9ee; --muted: #98a2b3; --line: #2a313c; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
body > header { display: flex; gap: 12px; align-items: center; padding: 14px 24px; border-bottom: 1px solid var(--line); background: var(--card); position: sticky; top: 0; }
body > header h1 { font-size: 18px; margin: 0 auto 0 0; }
main { padding: 8px 24px 32px; max-width: 1600px; margin: 0 auto; display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 620px), 1fr)); column-gap: 24px; align-items: start; }
main > #breakers, main > #empty { grid-column: 1 / -1; }
section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 22px 0 10px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(290px, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card header { display: flex; justify-content: space-between; align-items: center; margin-bottom: 8px; }
.card h3 { margin: 0; font-size: 15px; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; background: var(--off); white-space: nowrap; }
.badge.closed, .badge.healthy, .seg.closed { background: var(--ok); }
.badge.open, .badge.unhealthy, .seg.open { background: var(--bad); }
.badge.half-open, .badge.degraded, .seg.half-open { background: var(--warn); }
.badge.isolated, .seg.isolated { background: var(--iso); }
.badge.neutral { background: transparent; color: var(--muted); border: 1px solid var(--line); font-weight: 500; }
.seg.disabled, .seg.metrics-only { background: var(--off); }
.stats { display: grid; grid-template-columns: repeat(2, 1fr); gap: 6px 14px; margin-bottom: 8px; }
.stat { display: flex; flex-direction: column; }
.stat .label { font-size: 11px; color: var(--muted); }
.stat .value { font-size: 16px; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.bar { height: 6px; background: var(--line); border-radius: 3px; overflow: hidden; margin: 6px 0; min-width: 60px; }
.fill { height: 100%; }
.fill.ok, .key.ok::before { background: var(--ok); }
.fill.warn, .key.warn::before { background: var(--warn); }
.fill.bad, .key.bad::before { background: var(--bad); }
.spark { width: 100%; height: 36px; display: block; margin-top: 6px; }
.spark .line { fill: none; stroke-width: 1.6; vector-effect: non-scaling-stroke; }
.spark .ok { stroke: var(--ok); } .spark .warn { stroke: var(--warn); } .spark .bad { stroke: var(--bad); }
.legend { display: flex; gap: 12px; font-size: 11px; color: var(--muted); }
.key::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 2px; margin-right: 4px; }
.strip { display: flex; justify-content: flex-end; height: 10px; border-radius: 3px; overflow: hidden; background: var(--line); margin: 10px 0 6px; }
.changes { list-style: none; margin: 0; padding: 0; font-size: 12px; max-height: 9.5em; overflow: auto; }
.changes li { display: flex; gap: 8px; padding: 1px 0; }
.changes time { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
table.usage { width: 100%; border-collapse: collapse; font-size: 12px; }
table.usage th { text-align: left; color: var(--muted); font-weight: 500; }
table.usage td { padding: 2px 6px 2px 0; }
.muted { color: var(--muted); font-size: 12px; margin: 4px 0 0; overflow-wrap: anywhere; }
#updated { color: var(--muted); font-size: 12px; }
`;

const body = `
<header>
  <h1>Breakwater</h1>
  <span id="updated">waiting for data</span>
  <span>health <span id="health" class="badge neutral">?</span></span>
  <span>stream <span id="connection" class="badge neutral">connecting</span></span>
</header>
<main>
  <p id="empty" class="muted">No policies are registered yet.</p>
  <section id="breakers" hidden><h2>Circuit breakers</h2><div class="cards"></div></section>
  <section id="rate-limits" hidden><h2>Rate limits</h2><div class="cards"></div></section>
  <section id="quotas" hidden><h2>Quotas</h2><div class="cards"></div></section>
  <section id="bulkheads" hidden><h2>Bulkheads</h2><div class="cards"></div></section>
  <section id="timeouts" hidden><h2>Timeouts</h2><div class="cards"></div></section>
  <section id="stores" hidden><h2>Stores</h2><div class="cards"></div></section>
</main>`;

/** The dashboard page: one HTML document with its styles and script inline (no external resource). */
export const dashboardPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Breakwater dashboard</title>
<style>${styles}</style>
</head>
<body data-connection="connecting">${body}
<script>${pageScript}</script>
</body>
</html>
`;

const scriptHash = createHash('sha256').update(pageScript).digest('base64');

/** Headers of the page: no caching, and a policy that allows its own inline script (by hash), its styles and its event stream only. */
export const dashboardPageHeaders: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': `default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
});

/** Headers of the event stream. `x-accel-buffering: no` keeps nginx from buffering it. */
export const dashboardStreamHeaders: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
});
