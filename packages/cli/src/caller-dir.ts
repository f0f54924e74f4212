import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The folder the user typed the command in, where their relative paths start.
 *
 * `npx -y pnpm@12.4.2 mxl ...` (and `pnpm -C /path/to/mxl mxl ...` from another folder) runs the
 * `mxl` bin of the checkout in the checkout's root, with the folder the command was typed in
 * as INIT_CWD; so does the older `mxl` root script (npm_lifecycle_event `mxl`). Elsewhere
 * (`npx mxl` in a project, a bin on the PATH, a user's own npm script) the working directory
 * is the answer, whatever INIT_CWD says.
 */
export function callerDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const init = env.INIT_CWD;
  if (!init || path.resolve(init) === cwd) return cwd;
  return env.npm_lifecycle_event === 'mxl' || isCheckoutRoot(cwd) ? path.resolve(init) : cwd;
}

/** Whether `dir` is the root of the mxl repository (its package.json is the monorepo's). */
function isCheckoutRoot(dir: string): boolean {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file) || !existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'mxl-monorepo';
  } catch {
    return false;
  }
}
