#!/usr/bin/env node
/**
 * The `mxl` command of the installed package (`npx mxl ...`): the command line of `@mxl/cli`,
 * which parses the arguments and runs as soon as it is loaded.
 */
import '@mxl/cli/main';
