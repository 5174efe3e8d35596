/**
 * The guard pipeline without a server: one request's admission and settlement (`admit()` then
 * `ticket.finish(200)`), per guard and stacked, next to building the request alone. What the HTTP
 * benchmark's added CPU per request is made of, in nanoseconds and with far less noise.
 *
 *   node --expose-gc src/pipeline.mjs
 */
import { httpSetup, Registry } from '@breakwater/core';
import { bench, group, run, summary } from 'mitata';

const LIMIT = 1_000_000_000;
const all = {
  rateLimit: { name: 'api', limits: [{ capacity: LIMIT, refillRate: LIMIT, refillInterval: '1m' }] },
  circuitBreaker: { name: 'cb' },
  bulkhead: { name: 'pool', maxConcurrent: 1_000 },
};
const variants = {
  rateLimit: { rateLimit: all.rateLimit },
  circuitBreaker: { circuitBreaker: all.circuitBreaker },
  bulkhead: { bulkhead: all.bulkhead },
  stack: all,
};

/** A request as an adapter describes it: a fresh object per request, like a framework's. */
function info() {
  const source = { url: '/', method: 'GET', headers: { host: 'localhost' } };
  return { ip: '127.0.0.1', method: 'GET', path: '/', route: '/', header: (name) => source.headers[name], source, user: undefined };
}

let bad = 0;
summary(() => {
  group('one request: admit + finish(200)', () => {
    bench('request object alone', () => {
      if (info().ip === '') bad++;
    });
    for (const [name, guards] of Object.entries(variants)) {
      for (const headers of [false, 'httpapi']) {
        if (headers && name !== 'stack' && name !== 'rateLimit') continue;
        const pipeline = httpSetup('bench', { registry: new Registry(), headers: { standard: headers } }).pipeline(guards);
        bench(`${name}${headers ? ' + headers' : ''}`, () => {
          const result = pipeline.admit(info());
          if (!result.admitted) throw new Error('refused');
          result.ticket.finish(200);
        });
      }
    }
  });
});
await run();
if (bad !== 0) process.exit(1);
