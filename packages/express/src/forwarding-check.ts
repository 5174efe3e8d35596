import { checkForwarding, headerValue, WarningCode, type TrustProxyMode, type Warnings } from '@breakwater/core';
import type { Request } from 'express';

/** Requests whose headers are all checked before sampling starts. */
const checkedFirst = 64;

/**
 * The trust-proxy warnings for Express requests. Reading `req.headers` costs each Express request a
 * lookup in V8's runtime, about 2,000 instructions (every Express request object has a map of its
 * own: see `watchEnd`), so `X-Forwarded-For` is looked for on the first 64 requests and then on one
 * in 16, and no more once its warning is logged. An app behind a proxy it does not trust receives
 * the field on every request, so it is warned about on its first one all the same.
 */
export class ForwardingCheck {
  readonly #warnings: Warnings;
  #requests = 0;

  constructor(warnings: Warnings) {
    this.#warnings = warnings;
  }

  check(req: Request, trustProxy: TrustProxyMode): void {
    if (trustProxy !== 'off') return checkForwarding(this.#warnings, trustProxy, undefined);
    const requests = ++this.#requests;
    if ((requests > checkedFirst && (requests & 15) !== 0) || this.#warnings.has(WarningCode.ForwardedWithoutTrustProxy)) return;
    checkForwarding(this.#warnings, trustProxy, headerValue(req.headers, 'x-forwarded-for'));
  }
}
