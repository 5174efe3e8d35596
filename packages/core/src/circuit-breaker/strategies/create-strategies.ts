import type { ResolvedTripConditions } from '../options-schema.js';
import { ConsecutiveFailuresStrategy } from './consecutive-failures.js';
import { RateStrategy } from './rate-strategy.js';
import type { TripStrategy } from './trip-strategy.js';

/** Builds one strategy per configured trip condition, in a fixed order. */
export function createStrategies(trip: ResolvedTripConditions): TripStrategy[] {
  const strategies: TripStrategy[] = [];
  if (trip.consecutiveFailures !== undefined) strategies.push(new ConsecutiveFailuresStrategy(trip.consecutiveFailures));
  if (trip.failureRate) strategies.push(new RateStrategy('failureRate', trip.failureRate));
  if (trip.slowCallRate) strategies.push(new RateStrategy('slowCallRate', trip.slowCallRate));
  return strategies;
}
