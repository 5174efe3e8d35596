import { runScenarios } from 'adapter-scenarios';
import { koaHarness } from './harness.js';

runScenarios(koaHarness);
