export { Gate, type Harness, type ScenarioApp } from './harness.js';
export { runScenarios } from './scenarios.js';
export { breakerState, failingStore, start, until, type Running } from './support.js';
export { listening, runDashboardScenarios, type DashboardServer, type ServeDashboard } from './dashboard.js';
