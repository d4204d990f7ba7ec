// `docket setup`: prepares an existing Temporal cluster for Docket: the namespace, its history
// retention and the search attributes the workflows set. Safe to run again: what exists is left as it
// is, except a retention that differs from the agency's choice, which is set to it.
//
// The namespace's retention is how long Temporal keeps a closed case's workflow history: the live
// run. The case's record is kept by the records archive for as long as its policy requires, so this
// period is about operations (seeing recent closed runs in the UI), not about records law.
import type { Command } from 'commander';
import { temporal } from '@temporalio/proto';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import { DomainError } from '../../domain/errors';
import { loadConfig } from '../../infra/config';
import { docketSearchAttributes } from '../../workflows/search-attributes';
import { connectDocket } from '../connect';
import { ensureDigestSchedules } from '../digest-schedules';
import type { Output } from './shared';

const { IndexedValueType } = temporal.api.enums.v1;

export function registerSetupCommand(program: Command, io: Output, progress: Output): void {
  program
    .command('setup')
    .description('register the namespace and Docket search attributes on an existing Temporal cluster')
    .option(
      '--retention-days <days>',
      "days Temporal keeps a closed case's workflow history (default: records.historyRetentionDays, 30)",
    )
    .action(async (options: { retentionDays?: string }) => {
      const config = loadConfig();
      const { namespace, address } = config.temporal;
      const retentionDays =
        options.retentionDays === undefined
          ? config.records.historyRetentionDays
          : Number(options.retentionDays);
      if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) {
        throw new DomainError(
          'INVALID_INPUT',
          `--retention-days: '${options.retentionDays}' is not a whole number of days from 1 to 3650`,
          { field: 'retentionDays', value: options.retentionDays },
        );
      }
      const retention = msToTs(retentionDays * 86_400_000);
      progress.out(`connecting to ${address} …`);
      const conn = await connectDocket(config, process.env, { withCodec: false });
      try {
        const service = conn.connection.workflowService;
        let described: Awaited<ReturnType<typeof service.describeNamespace>> | undefined;
        try {
          described = await service.describeNamespace({ namespace });
        } catch {
          described = undefined;
        }
        if (described) {
          progress.out(`namespace ${namespace}: exists`);
          const current = described.config?.workflowExecutionRetentionTtl;
          const currentDays = current ? tsToMs(current) / 86_400_000 : undefined;
          if (currentDays !== retentionDays) {
            progress.out(
              `namespace ${namespace}: history retention ${currentDays ?? '(unset)'} → ${retentionDays} days …`,
            );
            await service.updateNamespace({
              namespace,
              config: { workflowExecutionRetentionTtl: retention },
            });
          }
        } else {
          progress.out(`namespace ${namespace}: registering …`);
          await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retention });
          // A new namespace takes a moment to reach every service of the cluster.
          for (let attempt = 0; ; attempt++) {
            try {
              await conn.connection.operatorService.listSearchAttributes({ namespace });
              break;
            } catch (err) {
              if (attempt >= 60) throw err;
              await new Promise((resolve) => setTimeout(resolve, 500));
            }
          }
        }
        const existing = await conn.connection.operatorService.listSearchAttributes({ namespace });
        const known = { ...existing.customAttributes, ...existing.systemAttributes };
        const missing = docketSearchAttributes.filter((key) => !(key.name in known));
        if (missing.length > 0) {
          progress.out(`search attributes: adding ${missing.map((k) => k.name).join(', ')} …`);
          await conn.connection.operatorService.addSearchAttributes({
            namespace,
            searchAttributes: Object.fromEntries(
              missing.map((key) => [
                key.name,
                key.type === SearchAttributeType.DATETIME
                  ? IndexedValueType.INDEXED_VALUE_TYPE_DATETIME
                  : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
              ]),
            ),
          });
        }
        // The digest Schedules' arguments are facility and calendar codes only, so this client needs no keys.
        for (const made of await ensureDigestSchedules(conn.client, config)) {
          progress.out(`morning digest for ${made.facility}: schedule ${made.scheduleId} ${made.outcome}`);
        }
        io.out(
          `ready: namespace ${namespace} (history kept ${retentionDays} days after a case closes; records in the archive), search attributes ${docketSearchAttributes.map((k) => k.name).join(', ')}`,
        );
      } finally {
        await conn.close();
      }
    });
}
