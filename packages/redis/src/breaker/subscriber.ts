import type { RedisClient } from '../redis-client.js';

type Handler = (message: string) => void;

/**
 * The one pub/sub connection of a store (`client.duplicate()`: a subscribed connection can run no
 * other command), shared by every breaker bound to it. Channels are subscribed again each time the
 * connection is ready (after a reconnect), and every breaker is told so that it refreshes what it may
 * have missed. Errors are absorbed: a breaker keeps working from its refresh while this connection is
 * down. On a Cluster, `PUBLISH` is broadcast to every node, so one connection to any node hears all.
 */
export class BreakerSubscriber {
  readonly #client: RedisClient;
  #connection: RedisClient | undefined;
  readonly #handlers = new Map<string, { message: Handler; ready: () => void }>();

  constructor(client: RedisClient) {
    this.#client = client;
  }

  /** Whether notifications can arrive now. */
  get ready(): boolean {
    return this.#connection?.status === 'ready';
  }

  subscribe(channel: string, message: Handler, ready: () => void): void {
    this.#handlers.set(channel, { message, ready });
    const connection = this.#connection ?? this.#connect();
    if (connection.status === 'ready') connection.subscribe(channel).catch(() => undefined);
  }

  unsubscribe(channel: string): void {
    if (!this.#handlers.delete(channel)) return;
    const connection = this.#connection;
    if (connection === undefined) return;
    if (this.#handlers.size === 0) {
      this.#connection = undefined;
      connection.disconnect();
    } else if (connection.status === 'ready') {
      connection.unsubscribe(channel).catch(() => undefined);
    }
  }

  close(): void {
    this.#handlers.clear();
    this.#connection?.disconnect();
    this.#connection = undefined;
  }

  #connect(): RedisClient {
    const connection = this.#client.duplicate() as RedisClient;
    this.#connection = connection;
    connection.on('error', () => undefined);
    connection.on('message', (channel: string, message: string) => this.#handlers.get(channel)?.message(message));
    connection.on('ready', () => {
      if (this.#connection !== connection || this.#handlers.size === 0) return;
      connection.subscribe(...this.#handlers.keys()).catch(() => undefined);
      for (const handler of [...this.#handlers.values()]) handler.ready();
    });
    if (connection.status === 'wait') connection.connect().catch(() => undefined);
    return connection;
  }
}
