import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';

/** Writes a file atomically (temp file + rename), so a crash never leaves half a result. */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
