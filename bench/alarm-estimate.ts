// What "one timer per case" would do to a case's history: walks the committed full-path histories
// (test/histories) and replays their timers under two designs of a single per-case alarm, against the
// timers the deadline watchers actually started, cancelled and fired (one per waiting deadline).
// - eager: the alarm always holds the nearest pending instant, so it is cancelled and started again
//   whenever that instant changes (a deadline met, re-armed or added before it);
// - lazy: it is moved only for an earlier instant, and left to fire early when its deadline goes; the
//   early firing (a timer fired, a workflow task, a new timer) happens after these histories end, so
//   this figure is a lower bound.
// The alarm's commands are settled at the end of each workflow task, as the SDK sends them.
//
//   node --import tsx bench/alarm-estimate.ts [history names…]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HISTORIES_DIR } from '../test/helpers/histories';

const DEFAULT_HISTORIES = [
  'grievance-informal-path',
  'discipline-full-path',
  'title-ix-full-path',
  'conduct-report-full-path',
  'probation-record',
  'contract-record',
];

interface PlainDuration {
  seconds?: string;
  nanos?: number;
}
interface PlainEvent {
  eventType: string;
  eventTime: PlainDuration;
  timerStartedEventAttributes?: { timerId: string; startToFireTimeout: PlainDuration };
  timerCanceledEventAttributes?: { timerId: string };
  timerFiredEventAttributes?: { timerId: string };
}

const ms = ({ seconds = '0', nanos = 0 }: PlainDuration): number => Number(seconds) * 1000 + nanos / 1e6;

const BATCH_ENDS = new Set([
  'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
]);

/** Timer events of the history as recorded, and under each alarm design. */
function timerEvents(events: readonly PlainEvent[], lazy: boolean): { recorded: number; alarm: number } {
  const pending = new Map<string, number>();
  let recorded = 0;
  let alarm = 0;
  let armedFor: number | undefined;
  let inBatch = false;
  const settle = (): void => {
    const nearest = pending.size > 0 ? Math.min(...pending.values()) : undefined;
    if (nearest === armedFor) return;
    if (lazy && (nearest === undefined || (armedFor !== undefined && nearest > armedFor))) return;
    alarm += (armedFor !== undefined ? 1 : 0) + (nearest !== undefined ? 1 : 0);
    armedFor = nearest;
  };
  for (const e of events) {
    const started = e.timerStartedEventAttributes;
    if (started) {
      pending.set(started.timerId, ms(e.eventTime) + ms(started.startToFireTimeout));
      recorded++;
    } else if (e.timerCanceledEventAttributes) {
      pending.delete(e.timerCanceledEventAttributes.timerId);
      recorded++;
    } else if (e.timerFiredEventAttributes) {
      // The alarm was armed for this instant too: it fires once, and is armed again at the task's end.
      pending.delete(e.timerFiredEventAttributes.timerId);
      recorded++;
      alarm++;
      armedFor = undefined;
    } else if (e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED') {
      inBatch = true;
    } else if (inBatch && BATCH_ENDS.has(e.eventType)) {
      settle();
      inBatch = false;
    }
  }
  if (inBatch) settle();
  return { recorded, alarm };
}

const names = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_HISTORIES;
console.log(
  'history                   events  timer events: recorded  one alarm, eager  one alarm, lazy (≥)',
);
for (const name of names) {
  const { events } = JSON.parse(readFileSync(path.join(HISTORIES_DIR, `${name}.json`), 'utf8')) as {
    events: PlainEvent[];
  };
  const eager = timerEvents(events, false);
  const lazy = timerEvents(events, true);
  console.log(
    `${name.padEnd(26)}${String(events.length).padStart(6)}${String(eager.recorded).padStart(24)}` +
      `${String(eager.alarm).padStart(18)}${String(lazy.alarm).padStart(21)}`,
  );
}
