import { remoteAddressOf } from '@breakwater/core';
import type Koa from 'koa';
import type { Context } from 'koa';

/**
 * The client IP of a request, as Koa's `ctx.request.ip` gives it, without its cost where that is
 * safe. With `app.proxy` off, Koa's getter still reads the proxy header (`X-Forwarded-For` lowercased
 * on every request, then looked up by a string V8 has to internalize), builds an empty list, and
 * stores the socket's address on the request: about 1,000 instructions per request under callgrind.
 * Its answer there is the IP a middleware set with `ctx.request.ip = …`, else the socket's remote
 * address. That is read here directly, through the symbol Koa stores a set IP under, found once per
 * app by setting the IP of a probe request, and the address once per connection ({@link remoteAddressOf}).
 *
 * Koa's own getter answers whenever the shortcut could differ: with `app.proxy` on, when the app
 * defines its own `ip` on `app.request`, or when the symbol cannot be found (another Koa).
 */
export class ClientIp {
  #app: Koa | undefined;
  /** The key under which Koa keeps a request's IP for `#app`, or `undefined`: ask Koa. */
  #stored: symbol | undefined;

  of(ctx: Context): string {
    const app = ctx.app;
    if (app !== this.#app) {
      this.#app = app;
      this.#stored = storedIpKey(app);
    }
    const stored = this.#stored;
    const request = ctx.request;
    if (stored === undefined || app.proxy) return request.ip;
    const set = (request as unknown as Record<symbol, string | undefined>)[stored];
    if (set) return set;
    return remoteAddressOf(ctx.req.socket) ?? '';
  }
}

const probeIp = '192.0.2.1';

/** The symbol under which Koa's `ip` setter of `app`'s requests stores the IP, when `ip` is Koa's own. */
function storedIpKey(app: Koa): symbol | undefined {
  const request = app.request as object;
  // The app (or a plugin) defines its own `ip`: its getter decides, not Koa's.
  if (Object.getOwnPropertyDescriptor(request, 'ip') !== undefined) return undefined;
  const probe = Object.create(request) as { ip: string };
  try {
    probe.ip = probeIp;
  } catch {
    return undefined;
  }
  const symbols = Object.getOwnPropertySymbols(probe).filter((symbol) => (probe as unknown as Record<symbol, unknown>)[symbol] === probeIp);
  if (symbols.length !== 1 || Object.getOwnPropertyNames(probe).length !== 0 || probe.ip !== probeIp) return undefined;
  return symbols[0];
}
