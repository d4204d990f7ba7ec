// One pino logger for the whole process. The Temporal SDK's own logs (worker, activities, workflow
// `log`) are forwarded into it so operators read one stream.
import pino, { type Logger } from 'pino';
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { redactForLog } from '../activities/failure-cause';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'docket' } }, destination);
}

const sdkToPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * An error in the SDK's log metadata (e.g. "Activity failed" { error }) as fields pino can write:
 * pino writes an Error under any key but `err` as `{}`, which hid every cause. Mail and network
 * addresses are withheld from the message; the stack is left out (it can quote case data).
 */
function errorFields(error: Error, depth = 0): Record<string, unknown> {
  const e = error as Error & { type?: unknown; code?: unknown; cause?: unknown };
  const fields: Record<string, unknown> = { name: e.name, message: redactForLog(e.message) };
  if (typeof e.type === 'string') fields.type = e.type;
  if (typeof e.code === 'string') fields.code = e.code;
  if (e.cause instanceof Error && depth < 3) fields.cause = errorFields(e.cause, depth + 1);
  return fields;
}

function loggable(meta: LogMetadata | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta ?? {}))
    out[key] = value instanceof Error ? errorFields(value) : value;
  return out;
}

/** Adapts pino to the SDK's Logger interface, for Runtime.install({ logger }). */
export function sdkLoggerFor(logger: Logger): SdkLogger {
  const forward = (level: LogLevel) => (message: string, meta?: LogMetadata) =>
    logger[sdkToPino[level]]({ ...loggable(meta), sdk: true }, message);
  return {
    log: (level: LogLevel, message: string, meta?: LogMetadata) => forward(level)(message, meta),
    trace: forward('TRACE'),
    debug: forward('DEBUG'),
    info: forward('INFO'),
    warn: forward('WARN'),
    error: forward('ERROR'),
  };
}
