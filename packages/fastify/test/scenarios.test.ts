import { runScenarios } from 'adapter-scenarios';
import { fastifyHarness } from './harness.js';

runScenarios(fastifyHarness);
