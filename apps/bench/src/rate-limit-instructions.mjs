/**
 * Instructions per token-bucket decision, counted by valgrind's callgrind (issue 3), as
 * `callgrind-count.mjs` describes: the timed benchmark (`rate-limit.mjs`) moves by 10 ns and more
 * from one minute to the next on a shared VM, which is the size of the changes worth checking.
 *
 * Subjects, each an `async` function awaiting once, as in `rate-limit.mjs`: `bare` (`await fn()`),
 * `floor` (the hand-written token bucket of `floor.mjs`), `breakwater-hot` (`execute` on one key),
 * `breakwater-10k` (`execute` over 10,000 rotating keys) and `breakwater-fixed-clock` (one key, with a
 * clock that reads no time: what the rest of the decision costs), and rate-limiter-flexible's
 * `RateLimiterMemory.consume` on one key (`rlf-hot`) and over 10,000 keys (`rlf-10k`), awaited before
 * `fn` as in `rate-limit.mjs`. Overhead is a subject minus `bare`; the table also gives Breakwater's
 * overhead ÷ rate-limiter-flexible's, the ratio issue 3's quoted figures imply (70 of 293 ns, 150 of 555).
 *
 *   node src/rate-limit-instructions.mjs [--subjects a,b] [--small 100000] [--large 300000] [--warm 30000]
 *
 * Needs valgrind; about three minutes on a 2-vCPU machine.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { callgrindFolder, formatCount, instructionsPerCall } from './callgrind-count.mjs';
import { fixedClock } from './subjects.mjs';

const SUBJECTS = ['bare', 'floor', 'breakwater-hot', 'breakwater-10k', 'breakwater-fixed-clock', 'rlf-hot', 'rlf-10k'];
const ROTATING_KEYS = 10_000;
const HUGE = 1e12;

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    calls: { type: 'string' },
    subjects: { type: 'string', default: SUBJECTS.join(',') },
    small: { type: 'string', default: '100000' },
    large: { type: 'string', default: '300000' },
    warm: { type: 'string', default: '30000' },
  },
});

if (values.child !== undefined) await child(values.child, Number(values.warm), Number(values.calls));
else await main();

/** One measured process: `warm` calls, then `calls` more, of one subject. */
async function child(subject, warm, calls) {
  const { rateLimit } = await import('@breakwater/core');
  const { FloorTokenBucket } = await import('./floor.mjs');
  const { RateLimiterMemory } = await import('rate-limiter-flexible');
  const rlf = new RateLimiterMemory({ points: HUGE, duration: 3600 });
  const fn = async () => 1;
  const limits = [{ key: (k) => k, capacity: HUGE, refillRate: HUGE, refillInterval: '1s' }];
  const limiter = rateLimit({ name: 'instructions', limits });
  const unclocked = rateLimit({ name: 'instructions-fixed-clock', clock: fixedClock, limits });
  const floor = new FloorTokenBucket(HUGE, HUGE);
  const hot = { input: 'hot' };
  const rotating = Array.from({ length: ROTATING_KEYS }, (_, i) => ({ input: `client-${i}` }));
  let next = 0;
  const run = {
    bare: async () => await fn(),
    floor: async () => {
      if (!floor.tryTake()) throw new Error('the floor bucket refused');
      return await fn();
    },
    'breakwater-hot': async () => await limiter.execute(fn, hot),
    'breakwater-10k': async () => await limiter.execute(fn, rotating[(next = next + 1 === ROTATING_KEYS ? 0 : next + 1)]),
    'breakwater-fixed-clock': async () => await unclocked.execute(fn, hot),
    'rlf-hot': async () => {
      await rlf.consume('hot');
      return await fn();
    },
    'rlf-10k': async () => {
      await rlf.consume(rotating[(next = next + 1 === ROTATING_KEYS ? 0 : next + 1)].input);
      return await fn();
    },
  }[subject];
  if (run === undefined) throw new Error(`unknown subject ${subject}`);
  let sum = 0;
  for (let i = 0; i < warm + calls; i++) sum += await run();
  if (sum !== warm + calls) throw new Error(`${subject}: ${sum} results of ${warm + calls} calls`);
}

async function main() {
  const small = Number(values.small);
  const large = Number(values.large);
  const subjects = values.subjects.split(',').filter(Boolean);
  if (!subjects.includes('bare')) subjects.unshift('bare');
  const folder = callgrindFolder('bw-rate-limit-callgrind-');
  const perCall = {};
  try {
    for (const subject of subjects) {
      const args = ['--child', subject, '--warm', values.warm];
      perCall[subject] = await instructionsPerCall({ folder: folder.path, name: subject, script: fileURLToPath(import.meta.url), args, small, large });
      console.error(`${subject}: ${Math.round(perCall[subject])} instructions per call`);
    }
  } finally {
    folder.dispose();
  }
  console.log(`\nInstructions per decision (callgrind, \`--single-threaded --predictable\`; ${values.warm} warm-up calls, difference of ${small} and ${large} calls)\n`);
  console.log('| subject | instructions per call | overhead over bare |');
  console.log('|---|---:|---:|');
  for (const subject of subjects) {
    const overhead = subject === 'bare' ? '—' : formatCount(perCall[subject] - perCall.bare);
    console.log(`| ${subject} | ${formatCount(perCall[subject])} | ${overhead} |`);
  }
  const ratio = (ours, peer) =>
    perCall[ours] !== undefined && perCall[peer] !== undefined ? `${((perCall[ours] - perCall.bare) / (perCall[peer] - perCall.bare)).toFixed(2)}×` : undefined;
  const ratios = [
    ['one hot key', ratio('breakwater-hot', 'rlf-hot'), '0.24×'],
    ['10,000 keys', ratio('breakwater-10k', 'rlf-10k'), '0.27×'],
  ].filter(([, measured]) => measured !== undefined);
  if (ratios.length > 0) {
    console.log("\n| Breakwater's overhead ÷ rate-limiter-flexible's | measured | issue 3's figures imply |");
    console.log('|---|---:|---:|');
    for (const [what, measured, implied] of ratios) console.log(`| ${what} | ${measured} | ${implied} |`);
  }
}
