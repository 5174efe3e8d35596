import { runScenarios } from 'adapter-scenarios';
import { expressHarness } from './harness.js';

runScenarios(expressHarness);
