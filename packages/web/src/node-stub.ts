/**
 * node:fs, node:fs/promises, node:path and node:crypto in the browser bundle: the estimation
 * package reads spec files, writes checkpoints and the example's files with
 * them, none of which the page does (it hands estimate() a parsed spec with
 * in-memory columns and a base folder). path's functions work on plain
 * strings; the others say where they were called.
 */
function unavailable(name: string): () => never {
  return () => {
    throw new Error(`${name} is not available in the browser`);
  };
}

export const readFileSync = unavailable('fs.readFileSync');
export const writeFileSync = unavailable('fs.writeFileSync');
export const renameSync = unavailable('fs.renameSync');
export const mkdirSync = unavailable('fs.mkdirSync');
export const closeSync = unavailable('fs.closeSync');
export const existsSync = unavailable('fs.existsSync');
export const fstatSync = unavailable('fs.fstatSync');
export const ftruncateSync = unavailable('fs.ftruncateSync');
export const openSync = unavailable('fs.openSync');
export const readSync = unavailable('fs.readSync');
export const writeSync = unavailable('fs.writeSync');
export const createHash = unavailable('crypto.createHash');
export const open = unavailable('fs.promises.open');

export const sep = '/';
export function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/').replace(/\/+/g, '/');
}
export function resolve(...parts: string[]): string {
  let out = '';
  for (const p of parts) out = p.startsWith('/') ? p : join(out, p);
  return out.startsWith('/') ? out : `/${out}`;
}
export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}
export function basename(p: string, ext?: string): string {
  const b = p.slice(p.lastIndexOf('/') + 1);
  return ext && b.endsWith(ext) ? b.slice(0, -ext.length) : b;
}
