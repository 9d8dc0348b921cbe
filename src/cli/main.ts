/**
 * `rbn`: the command-line face of the core (design.md). Dispatches through the command table; every
 * failure becomes exit code 2 with a one-line reason on stderr, never a stack trace.
 */
import { CliUsageError, EXIT_CANNOT_RUN, EXIT_OK, type CliCommand, type CliIo } from './command';
import { commands } from './commands';
import { errorJsonLine, reasonOf, wantsJson } from './json-error';

const VERSION = '0.1.0';

function usage(table: readonly CliCommand[]): string {
  const width = Math.max(...table.map((c) => c.name.length));
  return `Usage: rbn <command> [options]

${table.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`rbn <command> --help\` for a command's options and exit codes.
`;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: CliIo, table: readonly CliCommand[] = commands): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    io.err(`rbn: missing command (${table.map((c) => c.name).join(', ')}); see rbn --help\n`);
    return EXIT_CANNOT_RUN;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage(table));
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${VERSION}\n`);
    return EXIT_OK;
  }
  const command = table.find((c) => c.name === name);
  if (!command) {
    io.err(`rbn: unknown command '${name}' (commands: ${table.map((c) => c.name).join(', ')}; see rbn --help)\n`);
    return EXIT_CANNOT_RUN;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.help}\n`);
    return EXIT_OK;
  }
  // With --json, stdout holds one JSON object even when the command could not run (json-error.ts).
  const json = wantsJson(rest);
  let wroteOut = false;
  let wroteErr = '';
  const tracked: CliIo = { ...io, out: (t) => ((wroteOut = true), io.out(t)), err: (t) => ((wroteErr += t), io.err(t)) };
  let code: number;
  try {
    code = await command.run(rest, tracked);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(error instanceof CliUsageError ? `rbn ${name}: ${message} (see rbn ${name} --help)\n` : `rbn ${name}: ${message}\n`);
    if (json && !wroteOut) {
      io.out(errorJsonLine(name, error instanceof CliUsageError ? 'usage' : 'failed', message.split('\n')[0]!));
    }
    return EXIT_CANNOT_RUN;
  }
  if (json && code === EXIT_CANNOT_RUN && !wroteOut) {
    io.out(errorJsonLine(name, 'failed', reasonOf(wroteErr) || `rbn ${name} could not run`));
  }
  return code;
}

if (require.main === module) {
  // `rbn scan . | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      process.exit(process.exitCode ?? EXIT_OK);
    }
  });
  const io: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd() };
  main(process.argv.slice(2), io).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`rbn: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT_CANNOT_RUN;
    },
  );
}
