export { computeSchedule, type ScheduleInput } from './compute-schedule';
export {
  parseSettingValue,
  resolveFacts,
  resolveSettings,
  type FactValue,
  type SettingValue,
} from './inputs';
export {
  deadlineEntrySchema,
  extensionRecordSchema,
  lowerBoundEntrySchema,
  scheduleEntrySchema,
} from './entry';
