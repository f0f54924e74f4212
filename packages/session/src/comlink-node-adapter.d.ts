declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  /** comlink's adapter from a Node MessagePort or Worker to an Endpoint. */
  export default function nodeEndpoint(nep: {
    postMessage(message: unknown, transfer?: unknown[]): void;
    on(type: string, listener: (...args: never[]) => void): unknown;
    off(type: string, listener: (...args: never[]) => void): unknown;
  }): Endpoint;
}
