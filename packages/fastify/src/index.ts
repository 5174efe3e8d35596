export { breakwater, breakwater as default } from './plugin.js';
export type { BreakwaterDecorator, BreakwaterFastifyOptions } from './types.js';
export type { HttpInput, HttpOptions, RouteEntry, RouteFallback, RouteGuards } from '@breakwater/core';
export { dashboard, type FastifyDashboardOptions } from './dashboard.js';
