/** Server side of the Flux editor: schema lists for completion, a row preview for "Run", error positions. */
export * from './error-position';
export * from './first-rows';
export * from './schema';
