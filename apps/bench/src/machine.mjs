// How busy the machine is, so that benchmark processes can wait for a quiet moment (Linux /proc/stat).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** CPU share (0..1, all cores) used over one second, from /proc/stat; null where there is none. */
export async function machineBusy() {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await sleep(1000);
    const b = read();
    return b.total === a.total ? 0 : 1 - (b.idle - a.idle) / (b.total - a.total);
  } catch {
    return null;
  }
}

/** Waits, at most `seconds`, until the machine is under 10 % busy; returns the last reading. */
export async function waitForIdle(seconds) {
  const deadline = Date.now() + seconds * 1000;
  let busy = await machineBusy();
  while (busy !== null && busy > 0.1 && Date.now() < deadline) {
    console.error(`  waiting: machine ${Math.round(busy * 100)} % busy`);
    busy = await machineBusy();
  }
  return busy;
}
