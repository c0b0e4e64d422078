// @ts-check
// What every view is handed by the page controller: the session's token, stores and frame scheduler.
export {};

/**
 * @typedef {object} ViewContext
 * @property {string} token
 * @property {import('./frame-scheduler.js').FrameScheduler} scheduler
 * @property {import('./pipeline-store.js').PipelineStore} pipelines
 * @property {import('./host-store.js').HostStore} hosts
 * @property {import('./alert-store.js').AlertStore} alerts
 * @property {import('./run-store.js').RunStore} runs verification runs, newest verdict per pipeline
 * @property {() => string | undefined} role the token's role, once the live connection said it
 * @property {(err: unknown, what: string) => void} readFailed reports a failed read (a refused token ends the session)
 */
