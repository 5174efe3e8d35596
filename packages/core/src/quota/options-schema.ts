import { z } from 'zod';
import { clockSchema, functionSchema, intSchema, policyNameSchema } from '../config/schema-helpers.js';
import { limitCountSchema, limitNameSchema, storeErrorModeSchema, storeSchema } from '../rate-limit/schema-parts.js';
import type { Store } from '../store/store.js';
import { canonicalTimeZone, isTimeZone } from './time-zone.js';

/** The single home of the quota's defaults; TSDoc `@default`s mirror these. */
export const quotaDefaults = {
  timeZone: 'UTC',
  weekStartsOn: 1,
  cost: 1,
  onStoreError: 'failOpen',
} as const;

const limitsSchema = z
  .object({
    hour: limitCountSchema.optional(),
    day: limitCountSchema.optional(),
    week: limitCountSchema.optional(),
    month: limitCountSchema.optional(),
  }, { message: 'expected an object such as { hour: 1000, day: 10000 }' })
  .strict()
  .refine((limits) => Object.values(limits).some((limit) => limit !== undefined), { message: 'expected at least one of hour, day, week, month' });

const timeZoneSchema = z
  .string({ message: 'expected an IANA time zone such as "Europe/Berlin"' })
  .refine(isTimeZone, { message: 'expected an IANA time zone this runtime knows, such as "Europe/Berlin"' })
  .transform(canonicalTimeZone);

/** Validates and resolves {@link QuotaOptions}. */
export const quotaOptionsSchema = z
  .object({
    name: policyNameSchema,
    limits: limitsSchema,
    timeZone: timeZoneSchema.default(quotaDefaults.timeZone),
    weekStartsOn: intSchema(0, 6).default(quotaDefaults.weekStartsOn),
    key: functionSchema<(input: unknown) => string>().optional(),
    operation: z.union([limitNameSchema, functionSchema<(input: unknown) => string>()], { message: 'expected an operation name or a function' }).optional(),
    cost: z.union([intSchema(0), functionSchema<(input: unknown) => number>()], { message: 'expected an integer >= 0 or a function' }).default(quotaDefaults.cost),
    store: storeSchema.optional() as z.ZodOptional<z.ZodType<Store, Store>>,
    onStoreError: storeErrorModeSchema.default(quotaDefaults.onStoreError),
    clock: clockSchema,
  })
  .strict();

/** Options after parsing: defaults applied, frozen. */
export type ResolvedQuotaOptions = Readonly<z.output<typeof quotaOptionsSchema>>;
