import { z } from 'zod';
import type { Clock } from '../../clock/clock.js';
import { type Duration, durationSchema } from '../../config/duration.js';
import { clockSchema, functionSchema, intSchema } from '../../config/schema-helpers.js';
import type { Registry } from '../../registry/registry.js';

/**
 * Which client keys the dashboard shows usage for, per quota: a list for every quota, or a function
 * of the quota's name. Quotas count per client key (`key:<api key>` for an API-key header, the IP
 * otherwise); keys are not enumerated from the store, so the dashboard only shows the keys named here.
 */
export type DashboardQuotaKeys = readonly string[] | ((quota: string) => readonly string[]);

/** Options of the live dashboard (`dashboard()` in every adapter). */
export interface DashboardOptions {
  /** The policies to show: every policy registered in it, including those registered later. */
  readonly registry: Registry;
  /** Where the page is served; the event stream is `<path>/events`. @default '/dashboard' */
  readonly path?: string;
  /** How often a frame is sent to each open page. @default '1s' */
  readonly interval?: Duration;
  /** State changes kept per breaker for its timeline. @default 50 */
  readonly timelineSize?: number;
  /** A store counts as failing while a policy reported a failure of it within this span. @default '5s' */
  readonly storeFailureWindow?: Duration;
  /** Client keys to show quota usage for. @default none (quotas show allowed / exceeded per second only) */
  readonly quotaKeys?: DashboardQuotaKeys;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** The single home of the dashboard's defaults. */
export const dashboardDefaults = {
  path: '/dashboard',
  intervalMs: 1_000,
  timelineSize: 50,
  storeFailureWindowMs: 5_000,
} as const;

/** Validates {@link DashboardOptions}. */
export const dashboardOptionsSchema = z
  .object({
    registry: z.custom<Registry>(
      (value) => typeof value === 'object' && value !== null && typeof (value as Registry).list === 'function' && typeof (value as Registry).snapshot === 'function',
      { message: 'expected a Registry' },
    ),
    path: z
      .string()
      .regex(/^\/[^?#]*$/, { message: 'expected a path starting with "/" (no query or fragment)' })
      .transform((path) => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path))
      .default(dashboardDefaults.path),
    interval: durationSchema({ minMs: 50, maxMs: 60_000 }).default(dashboardDefaults.intervalMs),
    timelineSize: intSchema(1, 10_000).default(dashboardDefaults.timelineSize),
    storeFailureWindow: durationSchema({ positive: true }).default(dashboardDefaults.storeFailureWindowMs),
    quotaKeys: z
      .union([z.array(z.string().min(1).max(256)).max(100), functionSchema<(quota: string) => readonly string[]>()])
      .default(() => []),
    clock: clockSchema,
  })
  .strict();

/** {@link DashboardOptions} after parsing: defaults applied, durations in milliseconds. */
export type ResolvedDashboardOptions = Readonly<z.output<typeof dashboardOptionsSchema>>;
