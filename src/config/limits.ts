/** Limits the CLI needs before it loads the config schema (schema.ts re-exports them). */

/** Most worker threads a run may ask for (compute.threads). */
export const MAX_THREADS = 64;
