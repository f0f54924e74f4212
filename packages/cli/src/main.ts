#!/usr/bin/env node
/**
 * The `mxl` command. With no arguments it runs the built-in example.
 */
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
// Only the command line's own modules load at start-up: every command imports what it needs
// (the estimation, data readers, report charts, the queue) when it runs, so `mxl --help` and a
// parse error cost no more than commander itself.
import { AbortError, didYouMean } from '@mxl/errors';
import { CliError, commanderMessage, report } from './errors.js';
import { callerDir } from './caller-dir.js';
import { VERSION } from './version.js';

function positiveInt(option: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${option} must be a positive integer; received ${JSON.stringify(v)}`);
    return n;
  };
}

/**
 * The message for a word that is not a command, with the closest command when it is close;
 * `listed` is the full list shown (subcommands included, e.g. `bench integration`).
 */
export function unknownCommand(word: string, commands: readonly string[], listed: readonly string[] = commands): string {
  return `unknown command ${JSON.stringify(word)}${didYouMean(word, commands)}; the commands are ${listed.join(', ')} (mxl --help)`;
}

/** Every command by its full name: a group's subcommands as `batch run`, `bench integration`, ... */
export function commandList(program: Command): string[] {
  return program.commands.flatMap((c) => (c.commands.length > 0 ? c.commands.map((s) => `${c.name()} ${s.name()}`) : [c.name()]));
}

/** How long `mxl bench integration --quick` takes (measured: 9.0 s on the 2-core CI machine); README says the same. */
export const BENCH_QUICK_TIME = 'about 10 s on 2 idle cores';

function nonNegativeInt(option: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`${option} must be a non-negative integer; received ${JSON.stringify(v)}`);
    return n;
  };
}

async function main(argv: string[]): Promise<number> {
  // `pnpm mxl ...` runs in the repository's folder; the user's relative paths start where they typed it
  const here = callerDir();
  if (here !== process.cwd()) process.chdir(here);
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nmxl: interrupted; stopping (Ctrl-C again to force)\n');
    controller.abort();
  });
  const program = new Command();
  program
    .name('mxl')
    .description('Mixed logit estimation by maximum simulated likelihood. Without a command: the built-in example.')
    .enablePositionalOptions()
    // commander's parse errors (an unknown option, a missing value or argument) become one line of
    // mxl's own (commanderMessage, thrown from each command's exitOverride below); help still prints
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: () => {} })
    .version(VERSION, '--version', 'the version of mxl')
    .option('--workers <n>', 'worker threads (default: all cores)', positiveInt('--workers'))
    .argument('[command...]')
    .action(async (words: string[], o) => {
      // the root runs the built-in example; a word here is a command that does not exist
      if (words.length > 0) throw new CliError(unknownCommand(words[0], program.commands.map((c) => c.name()), commandList(program)));
      return (await import('./commands/demo.js')).demoCommand({ workers: o.workers, signal: controller.signal });
    });

  program
    .command('demo')
    .description('simulate the built-in example, estimate it, print estimates beside the truth')
    .option('--dir <dir>', 'folder for the simulated data, spec and result')
    .option('--workers <n>', 'worker threads', positiveInt('--workers'))
    .action(async (o) => (await import('./commands/demo.js')).demoCommand({ dir: o.dir, workers: o.workers, signal: controller.signal }));

  program
    .command('estimate')
    .description('estimate the model of a spec file; prints the table, writes the result JSON')
    .argument('<spec>', 'spec file (JSON)')
    .option('--out <file>', 'result JSON (default: <spec>.result.json beside the spec)')
    .option('--workers <n>', 'worker threads (default: spec.workers, else all cores)', positiveInt('--workers'))
    .option('--quiet', 'no progress on stderr')
    .option('--checkpoint <file>', 'log every evaluation to FILE (estimator hb: save the sampler\'s state every 100 sweeps); a run of the same spec and data resumes from it (after a kill or a wall-time limit)')
    .action(async (spec, o) => { await (await import('./commands/estimate.js')).estimateCommand(spec, { out: o.out, workers: o.workers, quiet: o.quiet, checkpoint: o.checkpoint, signal: controller.signal }); });

  program
    .command('hb')
    .description('hierarchical Bayes: hb combine joins chains run as separate jobs (hb.chain)')
    .command('combine')
    .description('join the results of hierarchical Bayes chains run one per job (hb.chain: k) into the multi-chain result of the spec')
    .argument('<spec>', 'spec file of the multi-chain estimation (JSON; its hb.chain, if any, is ignored)')
    .argument('<results...>', "the chains' result files, one per chain")
    .option('--out <file>', 'result JSON (default: <spec>.result.json beside the spec)')
    .option('--workers <n>', 'worker threads for the log-likelihood at the posterior means', positiveInt('--workers'))
    .option('--quiet', 'no message on stderr')
    .action(async (spec, results, o) => { await (await import('./commands/hb-combine.js')).hbCombineCommand(spec, results, o); });

  program
    .command('bootstrap')
    .description('bootstrap standard errors and percentile intervals: replicates resampling individuals, here, as a job array, or on a Redis queue (resumable)')
    .argument('<spec>', 'spec file (JSON)')
    .requiredOption('--reps <B>', 'number of replicates', positiveInt('--reps'))
    .requiredOption('--out <dir>', 'folder for full.result.json, rep-*.result.json and bootstrap.json')
    .option('--seed <S>', 'seed of the resampling (default 1)', nonNegativeInt('--seed'))
    .option('--workers <n>', 'worker threads per estimation', positiveInt('--workers'))
    .option('--shard <i/n>', 'run only the i-th of n shards of the replicates (a job array; default from SLURM_ARRAY_TASK_* when set)')
    .option('--redis <url>', 'run the replicates on a Redis queue (workers: mxl batch work)')
    .option('--queue <name>', 'queue name (default mxl)')
    .action(async (spec, o) => (await import('./commands/bootstrap.js')).bootstrapCommand(spec, { ...o, signal: controller.signal }));

  program
    .command('compare')
    .description('estimated models side by side (parameters, LL, AIC, BIC, rho2) and the likelihood-ratio test of every nested pair')
    .argument('<results...>', 'result JSON files of `mxl estimate` (two or more)')
    .option('--json', 'JSON: { models, lr } for two results, { models, tests } for more')
    .action(async (files, o) => (await import('./commands/compare.js')).compareCommand(files, o));

  program
    .command('predict')
    .description('post-estimation of an estimated spec: shares, elasticities, diversion ratios, individual-level parameters, WTP')
    .argument('<spec>', 'spec file (JSON) that was estimated')
    .option('--result <file>', 'its result JSON (default: <spec>.result.json beside the spec)')
    .option('--shares', 'predicted and observed shares (the default when nothing else is asked)')
    .option('--elasticities <variable>', 'aggregate elasticities with respect to a data variable')
    .option('--diversion <variable|removal|VAR=CHANGE>', 'diversion ratios: for a small change of a variable (e.g. price), "removal" (second choice), or a discrete change of the row alternative\'s variable (e.g. "price=*1.1", the --change syntax without @)')
    .option('--wtp <cost>', 'willingness to pay relative to a cost coefficient')
    .option('--change <change...>', 'a scenario: shares with VAR=*FACTOR, VAR=+AMOUNT, VAR=-AMOUNT or VAR=VALUE [@ALT,ALT], e.g. "price=*1.1@train" (several allowed)')
    .option('--by <column>', 'also report shares, elasticities, diversion and scenarios by group: a column of the data (market, region, period) or "situation"')
    .option('--by-csv <file.csv>', 'with --by: the reports by group as a long CSV (report, by, group, row, column, value, se)')
    .option('--probabilities <file.csv>', 'write every row\'s predicted probability (id, situation, alternative, probability, chosen)')
    .option('--individual <file.csv>', 'write conditional means and sds of every individual\'s coefficients (and WTP with --wtp)')
    .option('--se', 'standard errors: the delta method (analytic Jacobians for shares, elasticities, marginal diversion and WTP; 2P+1 passes in parallel for the rest)')
    .option('--ci <method>', 'with --se: "delta" (default), "krinsky-robb" (simulated parameters; 95% intervals) or, for a hierarchical Bayes result, "posterior" (the statistics at draws of the posterior; 95% credible intervals)')
    .option('--reps <n>', 'Krinsky-Robb draws (default 1000); posterior draws (default 200)', positiveInt('--reps'))
    .option('--seed <n>', 'Krinsky-Robb seed (default 20261202)', positiveInt('--seed'))
    .option('--workers <n>', 'worker threads (default: all cores)', positiveInt('--workers'))
    .option('--out <file>', 'JSON report (default: <spec>.predict.json beside the spec)')
    .action(async (spec, o) => { await (await import('./commands/predict.js')).predictCommand(spec, { ...o, signal: controller.signal }); });

  program
    .command('report')
    .description('one self-contained HTML page of an estimation: estimates, fit, convergence, densities of the random coefficients; with --predict WTP, shares, elasticities and diversion as heat maps')
    .argument('<result>', 'result JSON of `mxl estimate`')
    .option('--predict <file>', 'JSON of `mxl predict` (shares, scenario, elasticities, diversion, WTP)')
    .option('--individual <file.csv>', 'individual-level CSV of `mxl predict --individual` (default: the one the --predict JSON names, when it exists)')
    .option('--out <file>', 'HTML file (default: <result>.report.html beside the result)')
    .option('--title <text>', 'the page title')
    .action(async (result, o) => { await (await import('./commands/report.js')).reportCommand(result, o); });

  program
    .command('web')
    .description('serve the page that estimates in the browser (Web Workers over shared memory; the data never leave the machine); ?example=1 runs the built-in example')
    .option('--port <p>', 'port (default 8080; 0: any free port)', nonNegativeInt('--port'))
    .option('--host <h>', 'address to listen on (default 127.0.0.1)')
    .action(async (o) => (await import('./commands/web.js')).webCommand({ port: o.port, host: o.host, signal: controller.signal }));

  const batch = program.command('batch').description('many estimations from one batch file: on this machine, or over a Redis queue with workers on many machines');
  const redisOpt = ['--redis <url>', 'Redis URL (default redis://127.0.0.1:6379)'] as const;
  const queueOpt = ['--queue <name>', 'queue name (default mxl)'] as const;
  batch
    .command('run')
    .description('run every job here (resumable: finished jobs are skipped); results in --out')
    .argument('<batch>', 'batch file (JSON)')
    .requiredOption('--out <dir>', 'folder for <name>.result.json, <name>.error.txt and summary.csv')
    .option('--workers <n>', 'worker threads per job (default: cores / concurrency)', positiveInt('--workers'))
    .option('--concurrency <n>', 'jobs at a time (default 1)', positiveInt('--concurrency'))
    .option('--force', 'run jobs again even if their result exists')
    .option('--shard <i/n>', 'run only the i-th of n shards of the jobs (a cluster job array; default from SLURM_ARRAY_TASK_ID/_MIN/_COUNT when set)')
    .action(async (file, o) => (await import('./commands/batch.js')).batchRunCommand(file, { ...o, signal: controller.signal }));
  batch
    .command('submit')
    .description('put the jobs of a batch file on a Redis queue (jobs already there are left alone)')
    .argument('<batch>', 'batch file (JSON)')
    .option(...redisOpt)
    .option(...queueOpt)
    .action(async (file, o) => (await import('./commands/batch.js')).batchSubmitCommand(file, o));
  batch
    .command('work')
    .description('run jobs from a Redis queue on this machine (start one per machine)')
    .option(...redisOpt)
    .option(...queueOpt)
    .option('--workers <n>', 'worker threads per estimation (default: all cores)', positiveInt('--workers'))
    .option('--exit-when-idle', 'stop when no job is left (for cluster job scripts)')
    .option('--lock-seconds <s>', 'a job whose worker stops answering goes back on the queue after this (default 60)', positiveInt('--lock-seconds'))
    .action(async (o) => (await import('./commands/batch.js')).batchWorkCommand({ ...o, signal: controller.signal }));
  batch
    .command('collect')
    .description('write the results of a submitted batch into a folder (waits for every job)')
    .argument('<batch>', 'batch file (JSON)')
    .requiredOption('--out <dir>', 'folder for results and summary.csv')
    .option(...redisOpt)
    .option(...queueOpt)
    .option('--no-wait', 'write what is finished now, do not wait')
    .option('--timeout <s>', 'stop waiting after this many seconds', positiveInt('--timeout'))
    .action(async (file, o) => (await import('./commands/batch.js')).batchCollectCommand(file, { ...o, signal: controller.signal }));
  batch
    .command('status')
    .description('job counts of a queue (JSON)')
    .option(...redisOpt)
    .option(...queueOpt)
    .action(async (o) => (await import('./commands/batch.js')).batchStatusCommand(o));

  program
    .command('simulate')
    .description(
      'write the built-in example (data.csv, spec.json, truth.json) into a folder; or, with --spec, the spec\'s data with ' +
        'choices drawn from a fitted model (--result) into a file, with FILE.truth.json beside it',
    )
    .requiredOption('--out <path>', 'folder (built-in example), or the data file to write (with --spec)')
    .option('--spec <spec>', 'simulate from this spec\'s fitted model (its data, only the choice column changed)')
    .option('--result <result.json>', 'the fitted model (default: SPEC.result.json beside the spec)')
    .option('--individuals <n>', 'individuals (built-in example)', positiveInt('--individuals'), 2000)
    .option('--situations <n>', 'situations per individual (built-in example)', positiveInt('--situations'), 8)
    .option('--alternatives <n>', 'alternatives (built-in example)', positiveInt('--alternatives'), 4)
    .option('--seed <n>', 'seed', positiveInt('--seed'), 20261128)
    .action(async (o, cmd: Command) => {
      if (o.spec !== undefined) {
        for (const opt of ['individuals', 'situations', 'alternatives']) {
          if (cmd.getOptionValueSource(opt) === 'cli') throw new CliError(`--${opt} is for the built-in example; with --spec the spec's data give the design`);
        }
        await (await import('./commands/simulate.js')).simulateFromResultCommand({ spec: o.spec, result: o.result, out: o.out, seed: o.seed });
        return;
      }
      if (o.result !== undefined) throw new CliError('--result needs --spec (the spec of the fitted model)');
      const f = (await import('@mxl/estimation')).simulate(path.resolve(o.out), { individuals: o.individuals, situations: o.situations, alternatives: o.alternatives, seed: o.seed });
      process.stdout.write(`${f.data}\n${f.spec}\n${f.truth}\n${f.betas}\n`);
    });

  program
    .command('nodes')
    .description('print the nodes and weights of an integration rule')
    .requiredOption('--rule <name>', 'pseudo, halton, mlhs, sobol, product, sparse-gqn, sparse-kpn')
    .requiredOption('--dim <d>', 'dimensions')
    .option('--level <k>', 'quadrature level')
    .option('--draws <r>', 'draws (simulation rules)')
    .option('--seed <s>', 'seed')
    .option('--discard <n>', 'leading points to skip (halton, sobol)')
    .option('--scramble <kind>', 'scrambling (halton: owen, shuffle; sobol: owen)')
    .option('--antithetic', 'antithetic pseudo-random draws')
    .option('--json', 'print JSON { nodes, weights }')
    .action(async (o) => (await import('./commands/nodes.js')).nodesCommand(o));

  const bench = program.command('bench').description('benchmarks: bench loglik (time the log-likelihood and gradient), bench integration (compare the integration rules), bench estimators (MSL, MSM, MSS against the truth)');
  bench
    .command('loglik')
    .description('time log-likelihood + gradient evaluations; last line is JSON { ll, grad, median_seconds, min_seconds, reps, workers, peak_rss_mb }')
    .argument('<spec>', 'spec file (JSON)')
    .option('--at <theta.json>', 'parameter values (JSON object name -> value); default: the start values')
    .option('--reps <m>', 'timed evaluations after one warm-up', positiveInt('--reps'), 5)
    .option('--workers <n>', 'worker threads (default: spec.workers, else all cores)', positiveInt('--workers'))
    .action(async (spec, o) => (await import('./commands/bench-loglik.js')).benchLoglikCommand(spec, { at: o.at, reps: o.reps, workers: o.workers, signal: controller.signal }));
  bench
    .command('integration')
    .description('integration-rule benchmark: likelihood and estimator accuracy and cost of every rule on simulated panels (d = 1..8) and electricity; writes results.csv, results.md and plots (SVG, PNG)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--quick', `smoke-test sizes (${BENCH_QUICK_TIME})`)
    .option('--work <dir>', 'folder for the generated data sets (default: a temporary folder, removed at the end)')
    .option('--electricity <file>', 'electricity_long.csv (default: examples/electricity in the checkout)')
    .option('--no-electricity', 'skip the electricity data')
    .action(async (o) => (await import('./commands/bench-integration.js')).benchIntegrationCommand({ out: o.out, quick: o.quick, work: o.work, electricity: o.electricity }));
  bench
    .command('estimators')
    .description('estimator benchmark: bias, RMSE and time of MSL, MSM and MSS (each sampler) at R = 5, 20, 100 on a simulated cross-section and panel; writes estimators.csv, estimators.md and a plot (SVG, PNG)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--quick', 'smoke-test sizes (seconds)')
    .option('--work <dir>', 'folder for the simulated data sets (default: a temporary folder, removed at the end)')
    .action(async (o) => (await import('./commands/bench-estimators.js')).benchEstimatorsCommand({ out: o.out, quick: o.quick, work: o.work }));

  // every command (subcommands inherit the output settings, not a callback that knows them)
  const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
  for (const c of everyCommand(program)) {
    c.exitOverride((e) => {
      if (e.exitCode === 0 || e.code === 'commander.help' || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') throw e;
      throw new CliError(commanderMessage(c, e.code, e.message));
    });
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (interrupted) return report(new AbortError('interrupted; no result written'));
    return report(e);
  }
}

/**
 * Exits once stdout and stderr have handed everything to the OS: a pipe that is
 * full (a reader slower than us, `| wc -c`) queues the rest of a write, and
 * process.exit would drop it. A write's callback runs after every earlier write.
 */
function exitWhenFlushed(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(process.argv.slice(2)).then(exitWhenFlushed, (e) => exitWhenFlushed(report(e)));
