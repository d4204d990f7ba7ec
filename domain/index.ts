// The pure domain layer: business calendars, deadline arithmetic, versioned policies and schedules.
// No I/O, no clock, no Temporal imports: safe for workflows, activities, the API, the CLI and tests.
export * from './types';
export { DomainError, isDomainError, type DomainErrorCode, type DomainErrorDetails } from './errors';
export * from './calendar';
export * from './deadline';
export * from './policies';
export * from './schedule';
export {
  formatInstant,
  formatLocalText,
  isIsoDate,
  isIsoInstant,
  localDateOf,
  parseInstant,
  parseIsoDate,
  type Instant,
} from './time';
