import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared data folder beside the checkout (read-only; never copied into the repo). */
export const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared');
export const DATA = path.join(SHARED, 'data');
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Relative difference. */
export function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
