export { Dashboard, type DashboardRoute } from './dashboard.js';
export { dashboardDefaults, type DashboardOptions, type DashboardQuotaKeys, type ResolvedDashboardOptions } from './options.js';
export { dashboardPage, dashboardPageHeaders, dashboardStreamHeaders } from './page.js';
export type { BreakerPanel, BulkheadPanel, DashboardFrame, QuotaPanel, RateLimitPanel, StorePanel, TimelineEntry, TimeoutPanel } from './frame.js';
