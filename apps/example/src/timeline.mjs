// The guided demo's timeline: every event is kept (the test reads them); the printout folds runs of
// the same event into one line ("allowed x12") so that a person can follow it.

const seconds = (ms) => `${(ms / 1000).toFixed(1).padStart(5)} s`;

/** One thing a guard did, or one answer a client got. */
export class Timeline {
  /** @type {{ atMs: number, phase: string, guard: string, event: string, detail: string }[]} */
  entries = [];
  #startedAt;
  #phase = 'start';
  #log;
  #run;

  /** @param {(line: string) => void} log */
  constructor(log, now = () => Date.now()) {
    this.#log = log;
    this.now = now;
    this.#startedAt = now();
  }

  /** Starts a phase: flushes the open run and prints the phase's heading and explanation. */
  phase(name, explanation) {
    this.flush();
    this.#phase = name;
    this.#log(`\n== ${name} ${'='.repeat(Math.max(0, 72 - name.length))}\n${explanation}\n`);
  }

  /** Records what `guard` did. */
  note(guard, event, detail = '') {
    const entry = { atMs: this.now() - this.#startedAt, phase: this.#phase, guard, event, detail };
    this.entries.push(entry);
    const run = this.#run;
    if (run !== undefined && run.entry.guard === guard && run.entry.event === event && run.entry.detail === detail) {
      run.count++;
      return;
    }
    this.flush();
    this.#run = { entry, count: 1 };
  }

  /** Prints the open run, if any. */
  flush() {
    const run = this.#run;
    if (run === undefined) return;
    this.#run = undefined;
    const { atMs, guard, event, detail } = run.entry;
    const what = run.count > 1 ? `${event} x${run.count}` : event;
    this.#log(`${seconds(atMs)}  ${guard.padEnd(24)} ${what.padEnd(18)} ${detail}`.trimEnd());
  }

  /** How often each guard did each thing: `{ guard: { event: count } }`. */
  counts() {
    const counts = {};
    for (const { guard, event } of this.entries) {
      counts[guard] ??= {};
      counts[guard][event] = (counts[guard][event] ?? 0) + 1;
    }
    return counts;
  }
}
