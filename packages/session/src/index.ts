export * from './protocol.js';
export * from './node.js';
