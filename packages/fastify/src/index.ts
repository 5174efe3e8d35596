export { breakwater, breakwater as default } from './plugin.js';
export type { BreakwaterDecorator, BreakwaterFastifyOptions } from './types.js';
export type { HttpInput, HttpOptions, RouteEntry, RouteFallback, RouteGuards } from '@breakwater/core';
export { metrics, type MetricsRouteOptions } from './metrics.js';
export { dashboard, type FastifyDashboardOptions } from './dashboard.js';
