// Helpers shared by the CLI's subcommands: `key=value` and whole-number option parsing, and output.
import type { Command } from 'commander';
import { DomainError } from '../../domain/errors';

/** Commander collector for repeatable `--flag key=value` options. */
export function collectPair(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) {
    throw new DomainError('INVALID_INPUT', `'${value}' is not key=value`, { value });
  }
  const key = value.slice(0, at).trim();
  if (Object.prototype.hasOwnProperty.call(previous, key)) {
    throw new DomainError('INVALID_INPUT', `'${key}' is given twice`, { field: key, value });
  }
  return { ...previous, [key]: value.slice(at + 1).trim() };
}

/** The whole number `--<name>` gives, from `min` to `max`; otherwise an INVALID_INPUT naming the option. */
export function integerOption(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DomainError('INVALID_INPUT', `--${name} '${raw}' is not an integer from ${min} to ${max}`, {
      field: name,
      value: raw,
    });
  }
  return value;
}

/** The `docket cases` command, for a module that adds a subcommand to it (registered after it). */
export function casesCommand(program: Command): Command {
  const cases = program.commands.find((command) => command.name() === 'cases');
  if (!cases) throw new Error('register the cases commands first');
  return cases;
}

export interface Output {
  out(text: string): void;
}
