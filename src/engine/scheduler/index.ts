/** The scheduler: install it with installScheduler(cluster); read verdicts with scheduler.verdict(ns, name). */
export { installScheduler, numFeasibleNodesToFind, Scheduler, SCHEDULER_NAME, type SchedulerOptions } from './scheduler.js';
export { fitErrorMessage, NO_NODES_AVAILABLE } from './fitError.js';
export * from './types.js';
