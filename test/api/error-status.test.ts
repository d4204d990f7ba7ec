// The API's one table of error statuses: every code the client gives its own errors has a status,
// and a refusal is 422 whatever its code, even one the table gives another status.
import { clientErrorCodes, DocketClientError } from '../../client/errors';
import { apiErrorCodes, clientErrorStatusOf } from '../../server/api/errors';

test('every client error code has its status in the API table', () => {
  for (const code of clientErrorCodes) {
    expect(apiErrorCodes).toHaveProperty(code);
    expect(clientErrorStatusOf(DocketClientError.of(code, 'x'))).toBe(apiErrorCodes[code].status);
  }
});

test('the same code is 404 from the client and 422 as a refusal', () => {
  expect(clientErrorStatusOf(DocketClientError.of('UNKNOWN_EVENT', 'no such event'))).toBe(404);
  expect(clientErrorStatusOf(DocketClientError.refusal('UNKNOWN_EVENT', 'not in the policy'))).toBe(422);
  expect(clientErrorStatusOf(DocketClientError.of('CASE_CONFLICT', 'taken'))).toBe(409);
  expect(clientErrorStatusOf(DocketClientError.of('TEMPORAL_TIMEOUT', 'slow'))).toBe(504);
});
