// Receivers of Docket's signed webhooks (a paging tool, a case system) on loopback: each reads a POST's
// body and checks its Docket-Signature with the shared secret, as the receiving system would.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { verifyAlertWebhook } from '../../activities/alert-webhook';

export interface SignedPost {
  headers: IncomingHttpHeaders;
  body: string;
  /** The signature verifies against the secret. */
  verified: boolean;
  /** When it arrived (epoch ms). */
  at: number;
}

/**
 * A server (not yet listening) that hands each request to `onPost` with its body read and its
 * signature checked against `secret`, and answers with the status `onPost` returns.
 */
export function signedPostServer(secret: string, onPost: (post: SignedPost) => number): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['docket-signature'];
      const verified = verifyAlertWebhook(
        secret,
        typeof signature === 'string' ? signature : undefined,
        body,
      );
      res.writeHead(onPost({ headers: req.headers, body, verified, at: Date.now() })).end();
    });
  });
}

/** Listens on 127.0.0.1 (`port` 0: one the kernel picks) and resolves with the port. */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}
