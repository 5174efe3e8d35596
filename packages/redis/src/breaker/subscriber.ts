import { isCluster, type RedisClient } from '../redis-client.js';

interface Listener {
  readonly message: (message: string) => void;
  readonly ready: () => void;
}

/**
 * The one pub/sub connection of a store (`client.duplicate()`: a subscribed connection can run no
 * other command), shared by every breaker bound to it. Channels are subscribed again each time the
 * connection is ready (after a reconnect; by this class, not by ioredis, so that a failure is caught), and every breaker is told so that it refreshes what it may
 * have missed. Errors are absorbed: a breaker keeps working from its refresh while this connection is
 * down. On a Cluster, `PUBLISH` is broadcast to every node, so one connection to any node hears all.
 */
export class BreakerSubscriber {
  readonly #client: RedisClient;
  #connection: RedisClient | undefined;
  /** Listeners by channel: two breakers of the same name on one store share a channel. */
  readonly #handlers = new Map<string, Set<Listener>>();

  constructor(client: RedisClient) {
    this.#client = client;
  }

  /** Adds `listener` to `channel`; returns what removes it (and unsubscribes once the channel has no listener). */
  subscribe(channel: string, listener: Listener): () => void {
    const listeners = this.#handlers.get(channel) ?? new Set<Listener>();
    const first = listeners.size === 0;
    listeners.add(listener);
    this.#handlers.set(channel, listeners);
    const connection = this.#connection ?? this.#connect();
    if (first && connection.status === 'ready') connection.subscribe(channel).catch(() => undefined);
    return () => {
      if (listeners.delete(listener) && listeners.size === 0 && this.#handlers.get(channel) === listeners) this.#unsubscribe(channel);
    };
  }

  #unsubscribe(channel: string): void {
    this.#handlers.delete(channel);
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
    // On one node, ioredis would also subscribe again by itself after a reconnect, without catching a
    // failure (with no offline queue, one sent before the stream is writeable rejects unhandled); the
    // 'ready' handler below does it instead. A Cluster's own subscriber handles its reconnects.
    const connection = (isCluster(this.#client) ? this.#client.duplicate() : this.#client.duplicate({ autoResubscribe: false })) as RedisClient;
    this.#connection = connection;
    connection.on('error', () => undefined);
    connection.on('message', (channel: string, message: string) => {
      for (const listener of this.#handlers.get(channel) ?? []) listener.message(message);
    });
    connection.on('ready', () => {
      if (this.#connection !== connection || this.#handlers.size === 0) return;
      connection.subscribe(...this.#handlers.keys()).catch(() => undefined);
      for (const listeners of [...this.#handlers.values()]) for (const listener of [...listeners]) listener.ready();
    });
    if (connection.status === 'wait') connection.connect().catch(() => undefined);
    return connection;
  }
}
