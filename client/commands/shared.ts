// Helpers shared by the CLI's subcommands: `key=value` option parsing and output.
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

export interface Output {
  out(text: string): void;
}
