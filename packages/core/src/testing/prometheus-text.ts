/** One sample of a Prometheus text exposition. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses the Prometheus text format (version 0.0.4) into samples, for tests that scrape a metrics
 * endpoint. Comment lines (`# HELP`, `# TYPE`) and blank lines are skipped; a malformed line throws.
 *
 * @example
 * ```ts
 * const samples = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
 * sampleValue(samples, 'breakwater_calls_total', { policy: 'payments', outcome: 'failure' }); // 2
 * ```
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = sampleLine.exec(trimmed);
    if (match === null) throw new SyntaxError(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(labelPair)) labels[key as string] = (value as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1] as string, labels, value: parseSampleValue(match[3] as string) });
  }
  return samples;
}

function parseSampleValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  const value = Number(text);
  if (Number.isNaN(value) && text !== 'NaN') throw new SyntaxError(`not a sample value: ${text}`);
  return value;
}

/**
 * The value of the one sample named `name` whose labels include `labels`; undefined when none
 * matches, and an error when several do (the labels given do not pick one series).
 *
 * @example
 * ```ts
 * sampleValue(samples, 'breakwater_circuit_state', { name: 'payments', state: 'open' }); // 1
 * ```
 */
export function sampleValue(samples: readonly PrometheusSample[], name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
  if (found.length > 1) throw new RangeError(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
