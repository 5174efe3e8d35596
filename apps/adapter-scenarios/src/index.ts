export { Gate, type Flaky, type Harness, type ScenarioApp } from './harness.js';
export { runScenarios } from './scenarios.js';
export { breakerState, failingStore, listening, start, until, type Running } from './support.js';
export { runDashboardScenarios, type DashboardServer, type ServeDashboard } from './dashboard.js';
