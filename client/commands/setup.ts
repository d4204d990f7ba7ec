// `docket setup`: prepares an existing Temporal cluster for Docket: the namespace and the search
// attributes the workflows set. Safe to run again: what exists is left as it is.
import type { Command } from 'commander';
import { temporal } from '@temporalio/proto';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { loadConfig } from '../../worker/config';
import { docketSearchAttributes } from '../../workflows/search-attributes';
import { connectDocket } from '../connect';
import { ensureDigestSchedules } from '../digest-schedules';
import type { Output } from './shared';

const { IndexedValueType } = temporal.api.enums.v1;

export function registerSetupCommand(program: Command, io: Output, progress: Output): void {
  program
    .command('setup')
    .description('register the namespace and Docket search attributes on an existing Temporal cluster')
    .option('--retention-days <days>', 'workflow retention for a namespace this command creates', '30')
    .action(async (options: { retentionDays: string }) => {
      const config = loadConfig();
      const { namespace, address } = config.temporal;
      progress.out(`connecting to ${address} …`);
      const conn = await connectDocket(config, process.env, { withCodec: false });
      try {
        const service = conn.connection.workflowService;
        try {
          await service.describeNamespace({ namespace });
          progress.out(`namespace ${namespace}: exists`);
        } catch {
          progress.out(`namespace ${namespace}: registering …`);
          await service.registerNamespace({
            namespace,
            workflowExecutionRetentionPeriod: msToTs(Number(options.retentionDays) * 86_400_000),
          });
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
          `ready: namespace ${namespace}, search attributes ${docketSearchAttributes.map((k) => k.name).join(', ')}`,
        );
      } finally {
        await conn.close();
      }
    });
}
