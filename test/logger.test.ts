// The SDK's log lines through Docket's pino logger: an error in their metadata ("Activity failed"
// { error }) is written with its name, type, code and message (pino would write `{}`), with mail
// and network addresses withheld and no stack trace.
import { ApplicationFailure } from '@temporalio/common';
import { createLogger, sdkLoggerFor } from '../infra/logger';

test("an SDK log line carries the error's cause, without addresses", () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) });
  const failure = ApplicationFailure.create({
    type: 'SMTP_PERMANENT',
    message: 'mail relay refused notice k: 550 <jane.doe@larc.example.org> unknown; relay 10.0.0.5:25',
    cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:25'), { code: 'ECONNREFUSED' }),
  });
  sdkLoggerFor(logger).warn('Activity failed', { error: failure, durationMs: 12 });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    level: 40,
    msg: 'Activity failed',
    sdk: true,
    durationMs: 12,
    error: {
      name: 'ApplicationFailure',
      type: 'SMTP_PERMANENT',
      message: 'mail relay refused notice k: 550 <[address]> unknown; relay [endpoint]',
      cause: { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED [endpoint]' },
    },
  });
  expect(JSON.stringify(lines[0])).not.toMatch(/stack|larc\.example\.org|10\.0\.0\.5/);
});
