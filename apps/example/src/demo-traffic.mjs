// The guided demo's client side: it sends requests to the example app and notes on the timeline
// what each guard did with them, from the answer (status, fallback header, problem body).

const guardOf = {
  catalog: 'catalog breaker',
  search: 'search-per-ip limit',
  feed: 'feed-global limit',
  reports: 'reports quota',
  slow: 'reports-engine bulkhead',
};

/** Sends requests to `url` and records the answers on `timeline`. */
export class DemoClient {
  constructor(url, timeline) {
    this.url = url;
    this.timeline = timeline;
  }

  async #get(path, headers = {}) {
    const response = await fetch(`${this.url}${path}`, { headers });
    const body = await response.json().catch(() => undefined);
    return { status: response.status, body, headers: response.headers };
  }

  /** Changes a simulated upstream through the admin route. */
  async configure(upstream, settings) {
    const response = await fetch(`${this.url}/admin/upstreams/${upstream}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    if (!response.ok) throw new Error(`admin route answered ${response.status}: ${await response.text()}`);
    this.timeline.note(`upstream ${upstream}`, 'changed', JSON.stringify(settings));
  }

  /** One catalog request: live, failed (502, counted by the breaker) or answered by the fallback chain. */
  async catalog() {
    const { status, body } = await this.#get('/api/catalog');
    if (status === 200 && body?.source === 'live') this.timeline.note(guardOf.catalog, 'allowed', 'live upstream answered');
    else if (status === 200) this.timeline.note(guardOf.catalog, 'fallback served', `${body?.source} (upstream not called)`);
    else if (status === 502) this.timeline.note(guardOf.catalog, 'failed', 'upstream error: 502, counted by the breaker');
    else this.timeline.note(guardOf.catalog, 'rejected', `${status} ${body?.code ?? ''}`.trim());
    return status;
  }

  /** Requests sent one after the other, as a single client (one IP) would. */
  async search(count) {
    for (let i = 0; i < count; i++) {
      const { status, headers } = await this.#get(`/api/search?q=kayak&n=${i}`);
      if (status === 200) this.timeline.note(guardOf.search, 'allowed');
      else this.timeline.note(guardOf.search, 'limited', `429, Retry-After: ${headers.get('retry-after')} s`);
    }
  }

  /** Requests sent all at once: the global limit queues the excess instead of refusing it. */
  async feed(count) {
    const answers = await Promise.all(Array.from({ length: count }, () => this.#get('/api/feed')));
    for (const { status } of answers) this.timeline.note(guardOf.feed, status === 200 ? 'allowed' : 'limited', status === 200 ? '' : `${status}`);
  }

  /** One report for an API key (summary costs 1, export 10). */
  async report(kind, apiKey) {
    const { status, body } = await this.#get(`/api/reports/${kind}`, { 'x-api-key': apiKey });
    if (status === 200) this.timeline.note(guardOf.reports, 'allowed', `${kind} for ${apiKey} (cost ${body?.cost})`);
    else this.timeline.note(guardOf.reports, 'limited', `${kind} for ${apiKey}: ${status}, ${body?.detail ?? ''}`.trim());
  }

  /** Requests sent all at once to the slow route: the bulkhead runs 2, queues 2 and turns the rest away. */
  async slow(count) {
    const answers = await Promise.all(Array.from({ length: count }, () => this.#get('/api/slow')));
    for (const { status } of answers) {
      if (status === 200) this.timeline.note(guardOf.slow, 'allowed', 'ran (or waited in the queue, then ran)');
      else if (status === 503) this.timeline.note(guardOf.slow, 'limited', 'bulkhead full: 503, Retry-After');
      else if (status === 504) this.timeline.note('slow timeout', 'timed out', '504 after 1.5 s');
      else this.timeline.note(guardOf.slow, 'failed', String(status));
    }
  }
}

/** The guards' names on the timeline. */
export const demoGuards = Object.freeze(guardOf);
