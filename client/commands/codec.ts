// `docket codec new-key`: a fresh payload encryption key for DOCKET_CODEC_KEYS, printed once. Keys
// are made here and kept in the agency's secret store, never in the repository.
import type { Command } from 'commander';
import { DomainError } from '../../domain/errors';
import { KeyringError, printNewKey } from '../../infra/keys';
import type { Output } from './shared';

export function registerCodecCommands(program: Command, io: Output): void {
  program
    .command('codec')
    .description('payload encryption keys')
    .command('new-key')
    .description('print a new AES-256 key as id:base64, with how to rotate to it')
    .argument('[keyId]', 'the key ID (default: k<date>-<random>)')
    .action((keyId?: string) => {
      try {
        printNewKey(io, ...(keyId ? [keyId] : []));
      } catch (err) {
        // A bad key ID is the user's input: one line and exit code 2, like every other bad argument.
        if (err instanceof KeyringError)
          throw new DomainError('INVALID_INPUT', err.message, { field: 'keyId' });
        throw err;
      }
    });
}
