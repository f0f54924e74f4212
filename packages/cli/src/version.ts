/**
 * mxl's version, as `mxl --version` prints it: the command line package's own version (the
 * packages are versioned together; a test checks it against the \`mxl\` package and the
 * version the estimation writes into results). Read from package.json so that the command
 * line loads nothing else at start-up.
 */
import { createRequire } from 'node:module';

export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
