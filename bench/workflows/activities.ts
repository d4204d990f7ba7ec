// The ceiling's one side effect: one short plain-text mail through the same nodemailer transport
// Docket's worker uses (activities/mail-transport.ts: no pooling, one connection per message), with a
// Message-ID derived from the workflow ID as Docket's are, so the receiver can tell the messages apart.
import { Context } from '@temporalio/activity';
import { createMailTransport } from '../../activities/mail-transport';

export interface BenchMailRequest {
  dueAt: string;
  to: string;
}

export function createBenchActivities(smtp: { host: string; port: number }) {
  const transport = createMailTransport({ host: smtp.host, port: smtp.port });
  return {
    async sendBenchMail(request: BenchMailRequest): Promise<void> {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'unknown';
      await transport.sendMail({
        from: 'Bench <bench@docket.local>',
        to: request.to,
        subject: `deadline ${request.dueAt} passed`,
        text: `The deadline of ${workflowId} passed at ${request.dueAt}.`,
        messageId: `<bench.${workflowId}@docket.local>`,
        headers: { 'X-Docket-Notice-Kind': 'bench-minimal', 'X-Docket-Notice-Key': workflowId },
      });
    },
  };
}

export type BenchActivities = ReturnType<typeof createBenchActivities>;
