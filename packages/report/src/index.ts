export * from './types.js';
export * from './densities.js';
export * from './charts.js';
export * from './individual.js';
export * from './render.js';
export * from './html.js';
