import { z } from 'zod';
import type { Registry } from '../../registry/registry.js';
import { defaultDurationBuckets } from './catalogue.js';
import { isPromClient, isPromRegistry, type PromClient, type PromRegistry } from './prom-client.js';

/** Default mount path of the Prometheus metrics route (Express and Koa `metrics()`). */
export const metricsPath = '/metrics';

/** Options of {@link prometheusMetrics}. */
export interface MetricsOptions {
  /** The Breakwater registry whose policies are reported (the one given to the middleware). */
  readonly registry: Registry;
  /** The prom-client registry to add the metrics to. @default prom-client's default `register` */
  readonly promRegistry?: PromRegistry;
  /** The prom-client module (`import * as client from 'prom-client'`). @default loaded with `require('prom-client')` */
  readonly client?: PromClient;
  /** Prefix of every metric name. @default 'breakwater_' */
  readonly prefix?: string;
  /** Buckets of `call_duration_seconds`, in seconds, increasing. @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] */
  readonly durationBuckets?: readonly number[];
}

/** Validates {@link MetricsOptions}; the single home of their defaults. */
export const metricsOptionsSchema = z
  .object({
    registry: z.custom<Registry>((v) => typeof v === 'object' && v !== null && typeof (v as Registry).list === 'function' && typeof (v as Registry).onRegister === 'function', { message: 'expected a Breakwater Registry' }),
    promRegistry: z.custom<PromRegistry>(isPromRegistry, { message: 'expected a prom-client Registry' }).optional(),
    client: z.custom<PromClient>(isPromClient, { message: 'expected the prom-client module' }).optional(),
    prefix: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { message: 'expected a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)' }).default('breakwater_'),
    durationBuckets: z
      .array(z.number().positive({ message: 'expected positive bucket bounds' }).finite())
      .min(1)
      .refine((buckets) => buckets.every((b, i) => i === 0 || b > (buckets[i - 1] as number)), { message: 'expected increasing bucket bounds' })
      .default([...defaultDurationBuckets]),
  })
  .strict();

/** {@link MetricsOptions} after parsing. */
export type ResolvedMetricsOptions = z.output<typeof metricsOptionsSchema>;
