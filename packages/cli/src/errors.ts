/**
 * How the command line reports failures: one clear line, a non-zero exit, no
 * stack trace (set MXL_DEBUG=1 to see one). Every layer raises its input
 * errors as subclasses of {@link UserError} (from @mxl/errors), so the CLI
 * tells the user's mistake from a bug by `instanceof`, never by name: a new
 * error class is reported as the user's mistake as soon as it extends
 * UserError.
 */
import { AbortError, didYouMean, UserError } from '@mxl/errors';

/** A usage error of the command line itself. */
export class CliError extends UserError {
  override name = 'CliError';
}

/** Whether an error is the user's mistake (exit 2, no "bug" hint) rather than a bug (exit 1). */
export function isUserMistake(err: unknown): boolean {
  // @mxl/postestimation's error does not extend UserError yet
  return err instanceof UserError;
}

/** Prints an error and returns the exit code to use. */
export function report(e: unknown): number {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err instanceof AbortError) {
    process.stderr.write(`mxl: ${err.message}\n`);
    return 130;
  }
  const known = isUserMistake(err);
  process.stderr.write(`mxl: error: ${err.message}\n`);
  if (process.env.MXL_DEBUG) process.stderr.write(`${err.stack}\n`);
  else if (!known) process.stderr.write('mxl: this looks like a bug in mxl; run with MXL_DEBUG=1 for details\n');
  return known ? 2 : 1;
}

/** The structural part of a commander command that {@link commanderMessage} reads. */
export interface CommandLike {
  name(): string;
  usage(): string;
  readonly parent: CommandLike | null;
  readonly args: string[];
  readonly options: readonly { flags: string; long?: string; short?: string; description: string; hidden: boolean }[];
  readonly registeredArguments: readonly { name(): string; description: string; required: boolean; variadic: boolean }[];
  readonly commands: readonly CommandLike[];
}

/** `mxl batch run`: the command with its parents. */
export function commandPath(c: CommandLike): string {
  const names: string[] = [];
  for (let x: CommandLike | null = c; x; x = x.parent) names.unshift(x.name());
  return names.join(' ');
}

const q = (s: string) => JSON.stringify(s);
/** `"a"`, `"a" or "b"`, `"a", "b" or "c"` (or `and`). */
const orList = (xs: readonly string[], word = 'or') => (xs.length <= 1 ? xs.map(q).join('') : `${xs.slice(0, -1).map(q).join(', ')} ${word} ${q(xs[xs.length - 1])}`);

/**
 * One line in mxl's format for an error that commander found while parsing
 * the command line (commander's own text is two lines: `error: ...` and its
 * `(Did you mean ...?)`). `cmd` is the command whose parse failed, `code` and
 * `message` commander's (CommanderError.code and .message).
 */
export function commanderMessage(cmd: CommandLike, code: string, message: string): string {
  const name = commandPath(cmd);
  const help = `(${name} --help)`;
  const visible = cmd.options.filter((o) => !o.hidden);
  const flagOf = (flags: string) => visible.find((o) => o.flags === flags) ?? cmd.options.find((o) => o.flags === flags);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const described = (o: { flags: string; description: string } | undefined, flags: string) => (o?.description ? `${o.flags} (${o.description})` : flags);
  const usage = `usage: ${name} ${cmd.usage()}`;
  switch (code) {
    case 'commander.unknownOption': {
      // commander's suggestion (showSuggestionAfterError), else the closest option before any `=value`
      const theirs = /\(Did you mean (?:one of )?(.+)\?\)/.exec(message)?.[1]?.split(', ') ?? [];
      const longs = visible.map((o) => o.long ?? o.short ?? o.flags);
      const mean = theirs.length > 0 ? ` (did you mean ${orList(theirs)}?)` : didYouMean(quoted.split('=')[0], longs);
      const where = cmd.parent === null && cmd.commands.length > 0 ? 'the options before a command are' : 'the options are';
      return `unknown option ${q(quoted)} for ${name}${mean}; ${where} ${longs.join(', ')} ${help}`;
    }
    case 'commander.optionMissingArgument': {
      const o = flagOf(quoted);
      return `${o?.long ?? quoted} of ${name} needs a value: ${described(o, quoted)}`;
    }
    case 'commander.missingMandatoryOptionValue': {
      const o = flagOf(quoted);
      return `${name} needs ${described(o, quoted)}; ${usage}`;
    }
    case 'commander.missingArgument': {
      const a = cmd.registeredArguments.find((x) => x.name() === quoted);
      const shown = `<${quoted}${a?.variadic ? '...' : ''}>`;
      return `${name} needs ${shown}${a?.description ? `, the ${a.description}` : ''}; ${usage}`;
    }
    case 'commander.excessArguments': {
      const takes = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
      const extra = cmd.args.slice(cmd.registeredArguments.length);
      return `too many arguments for ${name}: ${takes.length === 0 ? 'it takes none' : `it takes ${takes.join(' ')}`}, and ${orList(extra, 'and')} ${extra.length === 1 ? 'is' : 'are'} left over; ${usage}`;
    }
    case 'commander.unknownCommand': {
      const subs = cmd.commands.map((c) => `${name.replace(/^mxl /, '')} ${c.name()}`);
      const word = `${name.replace(/^mxl /, '')} ${quoted}`;
      return `unknown command ${q(word)}${didYouMean(word, subs)}; the commands are ${subs.join(', ')} ${help}`;
    }
    default:
      // any other parse error: commander's words on one line, quoted as mxl quotes
      return message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').replace(/'([^']*)'/g, '"$1"');
  }
}
