// `docket cases open|show|event|ack` and `docket deadlines due`: the administrator's and case
// worker's command line over the same DocketClient the HTTP API uses. Payloads are JSON (inline,
// `@file`, or `-` for stdin); results are readable tables, or JSON with --json.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DomainError, type DomainErrorCode } from '../../domain/errors';
import { loadConfig } from '../../infra/config';
import type { CaseView } from '../../workflows/case-messages';
import { caseTypeNames, isCaseType, type CaseType } from '../case-types';
import { type DocketClient } from '../cases';
import { deadlineStates } from '../deadlines-due';
import { DocketClientError, refusalOf } from '../errors';
import { connectDocket } from '../connect';
import type { Output } from './shared';

export function caseTypeArg(value: string): CaseType {
  if (!isCaseType(value)) {
    throw new DomainError(
      'INVALID_INPUT',
      `unknown case type '${value}' (known: ${caseTypeNames().join(', ')})`,
      {
        field: 'caseType',
        value,
      },
    );
  }
  return value;
}

function jsonArg(value: string, what: string): unknown {
  const text =
    value === '-'
      ? readFileSync(0, 'utf8')
      : value.startsWith('@')
        ? readFileSync(value.slice(1), 'utf8')
        : value;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DomainError('INVALID_INPUT', `${what} is not JSON: ${(err as Error).message}`, { field: what });
  }
}

/** Table helper: columns sized to their content, so output reads in a terminal and in a log. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function renderCase(view: CaseView): string {
  const header = `${view.caseType} ${view.caseNumber} (${view.facility}) — stage ${view.stage}, ${view.deadlineState}${view.closed ? ', closed' : ''}`;
  const rows = [
    ['KEY', 'DUE / EARLIEST', 'STATE', 'ROLE', 'SOURCE'],
    ...view.deadlines.map((d) => [
      d.key,
      `${d.kind === 'lowerBound' ? '≥ ' : ''}${d.localText}`,
      d.state,
      d.responsibleRole,
      d.source,
    ]),
  ];
  return `${header}\n${table(rows)}`;
}

export async function withDocket<T>(progress: Output, run: (docket: DocketClient) => Promise<T>): Promise<T> {
  const config = loadConfig();
  progress.out(`connecting to ${config.temporal.address} (namespace ${config.temporal.namespace}) …`);
  const conn = await connectDocket(config);
  try {
    return await run(conn.docket);
  } catch (err) {
    // A refused event or a client error is the user's input: one line, exit code 2.
    const refusal = refusalOf(err);
    // The CLI prints a DomainError as one line with its code; carry the case's own code through.
    if (refusal)
      throw new DomainError((refusal.type ?? 'INVALID_INPUT') as DomainErrorCode, refusal.message, {});
    if (err instanceof DocketClientError) {
      throw new DomainError(err.code as DomainErrorCode, err.message, err.details);
    }
    throw err;
  } finally {
    await conn.close();
  }
}

export function registerCaseCommands(program: Command, io: Output, progress: Output): void {
  const cases = program.command('cases').description('open, inspect and drive cases');

  cases
    .command('open')
    .description('open a case (idempotent on the case number)')
    .argument('<caseType>', `one of ${caseTypeNames().join(', ')}`, caseTypeArg)
    .argument('<intake>', 'the intake as JSON, @file, or - for stdin')
    .option('--json', 'print JSON')
    .action(async (caseType: CaseType, intake: string, options: { json?: boolean }) => {
      const payload = jsonArg(intake, 'intake');
      const opened = await withDocket(progress, (docket) => docket.openCase(caseType, payload));
      io.out(
        options.json
          ? JSON.stringify(opened, null, 2)
          : `${opened.created ? 'opened' : 'already open (same intake)'}: ${opened.workflowId}`,
      );
    });

  cases
    .command('show')
    .description("a case's deadlines (and with --json its timeline)")
    .argument('<caseType>', `one of ${caseTypeNames().join(', ')}`, caseTypeArg)
    .argument('<caseNumber>')
    .option('--json', 'print JSON')
    .action(async (caseType: CaseType, caseNumber: string, options: { json?: boolean }) => {
      const record = await withDocket(progress, (docket) => docket.getCase(caseType, caseNumber));
      io.out(options.json ? JSON.stringify(record, null, 2) : renderCase(record.schedule));
    });

  cases
    .command('event')
    .description('record an event on a case (refused, with the rule, if out of order or late)')
    .argument('<caseType>', `one of ${caseTypeNames().join(', ')}`, caseTypeArg)
    .argument('<caseNumber>')
    .argument('<event>', 'the event name, e.g. rts-submitted')
    .argument('<payload>', 'the event as JSON, @file, or - for stdin')
    .option('--idempotency-key <key>', 'retrying with the same key returns the first outcome')
    .option('--json', 'print JSON')
    .action(
      async (
        caseType: CaseType,
        caseNumber: string,
        event: string,
        payload: string,
        options: { json?: boolean; idempotencyKey?: string },
      ) => {
        const body = jsonArg(payload, 'payload');
        const view = await withDocket(progress, (docket) =>
          docket.recordEvent(caseType, caseNumber, event, body, { idempotencyKey: options.idempotencyKey }),
        );
        io.out(options.json ? JSON.stringify(view, null, 2) : renderCase(view));
      },
    );

  cases
    .command('ack')
    .description('acknowledge a breach alert: its repeats and escalations stop')
    .argument('<caseType>', `one of ${caseTypeNames().join(', ')}`, caseTypeArg)
    .argument('<caseNumber>')
    .argument('<deadline>', 'the deadline key, e.g. rts.response')
    .requiredOption('--by <staffId>', 'opaque staff ID of whoever acknowledges')
    .option('--json', 'print JSON')
    .action(
      async (
        caseType: CaseType,
        caseNumber: string,
        key: string,
        options: { by: string; json?: boolean },
      ) => {
        const view = await withDocket(progress, (docket) =>
          docket.acknowledge(caseType, caseNumber, { key, by: options.by }),
        );
        io.out(options.json ? JSON.stringify(view, null, 2) : renderCase(view));
      },
    );

  program
    .command('deadlines')
    .description('deadlines across cases, from Temporal visibility')
    .command('due')
    .description('open cases with a deadline, soonest first')
    .option('--facility <code>', 'only this facility')
    .option('--case-type <types>', `comma-separated (${caseTypeNames().join(', ')})`)
    .option('--state <states>', `comma-separated (${deadlineStates.join(', ')})`)
    .option('--due-before <instant>', 'only deadlines before this ISO-8601 instant')
    .option('--limit <n>', 'at most this many cases', '100')
    .option('--json', 'print JSON')
    .action(
      async (options: {
        facility?: string;
        caseType?: string;
        state?: string;
        dueBefore?: string;
        limit: string;
        json?: boolean;
      }) => {
        const states = options.state?.split(',').map((s) => s.trim());
        for (const state of states ?? []) {
          if (!(deadlineStates as readonly string[]).includes(state)) {
            throw new DomainError(
              'INVALID_INPUT',
              `unknown state '${state}' (known: ${deadlineStates.join(', ')})`,
              {
                field: 'state',
                value: state,
              },
            );
          }
        }
        if (options.dueBefore && Number.isNaN(Date.parse(options.dueBefore))) {
          throw new DomainError(
            'INVALID_DATE',
            `--due-before '${options.dueBefore}' is not an ISO-8601 instant`,
            {
              field: 'dueBefore',
              value: options.dueBefore,
            },
          );
        }
        const due = await withDocket(progress, (docket) =>
          docket.deadlinesDue({
            facility: options.facility,
            caseTypes: options.caseType?.split(',').map((t) => caseTypeArg(t.trim())),
            states: states as (typeof deadlineStates)[number][] | undefined,
            dueBefore: options.dueBefore,
            limit: Number(options.limit),
          }),
        );
        if (options.json) {
          io.out(JSON.stringify(due, null, 2));
          return;
        }
        io.out(
          table([
            ['NEXT DEADLINE', 'STATE', 'CASE TYPE', 'CASE', 'FACILITY', 'STAGE'],
            ...due.cases.map((c) => [
              c.nextDeadlineLocal ?? c.nextDeadline ?? '-',
              c.deadlineState ?? '-',
              c.caseType,
              c.caseNumber,
              c.facility ?? '-',
              c.stage ?? '-',
            ]),
          ]),
        );
        if (due.truncated) progress.out('more cases matched: narrow the filters or raise --limit');
      },
    );
}
