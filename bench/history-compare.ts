// Two recordings of the same histories side by side: each history's events, timer events and workflow
// tasks in directory A and in directory B. Record each directory from its own checkout with
// `DOCKET_RECORD_HISTORIES=1 npx jest test/workflows` (it overwrites that checkout's test/histories),
// so both sides come from the same tests on the same day and differ only by the code.
//
//   node --import tsx bench/history-compare.ts <dir A> <dir B>
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Counts {
  events: number;
  timerEvents: number;
  timersStarted: number;
  timersCanceled: number;
  tasks: number;
}

function counts(file: string): Counts {
  const { events } = JSON.parse(readFileSync(file, 'utf8')) as { events: Array<{ eventType: string }> };
  const of = (type: string): number => events.filter((e) => e.eventType === `EVENT_TYPE_${type}`).length;
  return {
    events: events.length,
    timerEvents: of('TIMER_STARTED') + of('TIMER_FIRED') + of('TIMER_CANCELED'),
    timersStarted: of('TIMER_STARTED'),
    timersCanceled: of('TIMER_CANCELED'),
    tasks: of('WORKFLOW_TASK_COMPLETED'),
  };
}

function main(): void {
  const [dirA, dirB] = process.argv.slice(2);
  if (!dirA || !dirB) throw new Error('usage: bench/history-compare.ts <dir A> <dir B>');
  // `name.before-<patch>.json` files are kept recordings of older code, not re-recorded.
  const inB = new Set(readdirSync(dirB));
  const names = readdirSync(dirA).filter((f) => f.endsWith('.json') && !f.includes('.before-') && inB.has(f));
  const cell = (a: number, b: number): string => (a === b ? `${a}` : `${a} → ${b}`);
  console.log('| history | events | timer events | timers started | timers cancelled | workflow tasks |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const file of names) {
    const a = counts(path.join(dirA, file));
    const b = counts(path.join(dirB, file));
    console.log(
      `| ${file.replace(/\.json$/, '')} | ${cell(a.events, b.events)} | ${cell(a.timerEvents, b.timerEvents)} | ` +
        `${cell(a.timersStarted, b.timersStarted)} | ${cell(a.timersCanceled, b.timersCanceled)} | ${cell(a.tasks, b.tasks)} |`,
    );
  }
}

main();
