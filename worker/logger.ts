// One pino logger for the whole process. The Temporal SDK's own logs (worker, activities, workflow
// `log`) are forwarded into it so operators read one stream.
import pino, { type Logger } from 'pino';
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';

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

/** Adapts pino to the SDK's Logger interface, for Runtime.install({ logger }). */
export function sdkLoggerFor(logger: Logger): SdkLogger {
  const forward = (level: LogLevel) => (message: string, meta?: LogMetadata) =>
    logger[sdkToPino[level]]({ ...meta, sdk: true }, message);
  return {
    log: (level: LogLevel, message: string, meta?: LogMetadata) => forward(level)(message, meta),
    trace: forward('TRACE'),
    debug: forward('DEBUG'),
    info: forward('INFO'),
    warn: forward('WARN'),
    error: forward('ERROR'),
  };
}
