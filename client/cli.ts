// The `docket` command line. buildProgram() assembles the subcommands; each lives in its own module
// under client/commands/ and registers itself, so further commands (cases, deadlines, setup) plug in
// the same way. Errors become one line on stderr and a non-zero exit code.
import { Command, CommanderError } from 'commander';
import { isDomainError } from '../domain/errors';
import { registerCalendarCommands } from './commands/calendar';
import { registerCaseCommands } from './commands/cases';
import { registerCodecCommands } from './commands/codec';
import { registerImportCommand } from './commands/import';
import { registerNoticeCommands } from './commands/notices';
import { registerPreviewCommand } from './commands/preview';
import { registerRecordCommand } from './commands/record';
import { registerRecordsCommands } from './commands/records';
import { registerReportCommands } from './commands/report';
import { registerSetupCommand } from './commands/setup';
import type { Output } from './commands/shared';

export const EXIT_BAD_INPUT = 2;

export interface CliIo extends Output {
  /** Commander's own output (help text). */
  write(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  write: (text) => process.stdout.write(text),
};

/** Progress goes to stderr, so `--json` output on stdout stays machine-readable. */
const progressIo: Output = { out: (text) => process.stderr.write(`docket: ${text}\n`) };

/**
 * The program with every subcommand registered. Commander copies output and exit settings to
 * subcommands when they are created, so they are configured here first: usage errors are thrown as
 * CommanderError (never printed by commander, never exiting the process) and `main` reports them.
 */
export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('docket')
    .description('Docket: deadlines and notices for corrections, school and HR cases')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.write(text), writeErr: () => undefined });
  registerCalendarCommands(program, io);
  registerPreviewCommand(program, io);
  registerCaseCommands(program, io, progressIo);
  registerImportCommand(program, io, progressIo);
  registerRecordCommand(program, io, progressIo);
  registerNoticeCommands(program, io, progressIo);
  registerSetupCommand(program, io, progressIo);
  registerRecordsCommands(program, io, progressIo);
  registerReportCommands(program, io, progressIo);
  registerCodecCommands(program, io);
  return program;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Runs the CLI; resolves to the exit code. Bad input is one line on stderr and exit code 2. */
export async function main(argv: readonly string[] = process.argv, io: CliIo = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0; // --help, --version
      process.stderr.write(`docket: ${oneLine(error.message.replace(/^error: /, ''))}\n`);
      return EXIT_BAD_INPUT;
    }
    if (isDomainError(error)) {
      process.stderr.write(`docket: ${oneLine(error.message)} [${error.code}]\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(
      `docket: internal error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`,
    );
    return 1;
  }
}

/** A closed pipe (`docket calendar holidays ... | head`) is a normal end of output, not a crash. */
export function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

if (require.main === module) {
  exitQuietlyOnClosedPipe();
  void main().then((code) => {
    process.exitCode = code;
  });
}
