// Extensions (docs/rules.md "Extensions"): each carries a reason, the approving role and the policy's cap;
// going past the cap needs an override authority the policy names (e.g. OP-090124 §III.E.12.c: a court,
// a deputy director, the director, or their designee). The cap instant is computed once, from the
// original limit, when the schedule is computed, so a validator needs only the entry.
import { DomainError } from '../errors';
import { formatInstant, parseInstant } from '../time';
import type { ExtensionRecord, ScheduleEntry } from '../types';

/** What is asked for: the record the extension becomes, before it is bound to an entry's key. */
export type ExtensionRequest = Omit<ExtensionRecord, 'key'>;

/** The policy's view needed to validate: which entries it lets be extended. */
export interface ExtensiblePolicy {
  id: string;
  version: string;
  rules: readonly { key: string; extension?: unknown }[];
}

export function validateExtension(
  policy: ExtensiblePolicy,
  entry: ScheduleEntry,
  request: ExtensionRequest,
): ExtensionRecord {
  const extension = entry.extensionPolicy;
  const policyAllows = policy.rules.some((rule) => rule.key === entry.key && rule.extension !== undefined);
  if (!extension || !policyAllows || entry.kind !== 'deadline' || !entry.dueAt) {
    throw new DomainError(
      'EXTENSION_NOT_ALLOWED',
      `${entry.key}: ${policy.id}@${policy.version} does not provide for extending this limit`,
      { key: entry.key, rule: entry.rule, source: entry.sourceText },
    );
  }
  if (!request.reason?.trim()) {
    throw new DomainError(
      'EXTENSION_INVALID',
      `${entry.key}: an extension needs a reason (${extension.requirement})`,
      {
        key: entry.key,
        field: 'reason',
      },
    );
  }
  if (!request.approvedBy?.trim()) {
    throw new DomainError('EXTENSION_INVALID', `${entry.key}: an extension needs the approver's staff ID`, {
      key: entry.key,
      field: 'approvedBy',
    });
  }
  const zone = entry.zone;
  const newDue = parseInstant(request.dueAt, 'dueAt');
  const grantedAt = parseInstant(request.grantedAt, 'grantedAt');
  const currentDue = parseInstant(entry.dueAt, 'current dueAt');
  if (newDue <= currentDue) {
    throw new DomainError(
      'EXTENSION_INVALID',
      `${entry.key}: ${request.dueAt} does not extend the current deadline ${entry.dueAt}`,
      { key: entry.key, field: 'dueAt', value: request.dueAt, dueAt: entry.dueAt },
    );
  }
  const override = request.overrideAuthority;
  if (override !== undefined) {
    if (!extension.overrideAuthorities.includes(override)) {
      throw new DomainError(
        'EXTENSION_APPROVER_NOT_ALLOWED',
        `${entry.key}: '${override}' is not an override authority for this limit (allowed: ${extension.overrideAuthorities.join(', ') || 'none'})`,
        { key: entry.key, field: 'overrideAuthority', value: override, known: extension.overrideAuthorities },
      );
    }
  } else if (!extension.approverRoles.includes(request.approverRole)) {
    throw new DomainError(
      'EXTENSION_APPROVER_NOT_ALLOWED',
      `${entry.key}: role '${request.approverRole}' may not approve this extension (allowed: ${extension.approverRoles.join(', ')})`,
      { key: entry.key, field: 'approverRole', value: request.approverRole, known: extension.approverRoles },
    );
  }
  if (extension.capAt && override === undefined && newDue > parseInstant(extension.capAt, 'capAt')) {
    const beyond =
      extension.overrideAuthorities.length > 0
        ? `beyond it only on an order by ${extension.overrideAuthorities.join(', ')}${extension.overrideSourceText ? ` (${extension.overrideSourceText})` : ''}`
        : 'the policy allows no override';
    throw new DomainError(
      'EXTENSION_OVER_CAP',
      `${entry.key}: extension to ${request.dueAt} exceeds the cap ${extension.capAt} (${extension.capSourceText ?? entry.sourceText}); ${beyond}`,
      {
        key: entry.key,
        field: 'dueAt',
        value: request.dueAt,
        capAt: extension.capAt,
        limit: extension.cap,
        source: extension.capSourceText ?? entry.sourceText,
        known: extension.overrideAuthorities,
      },
    );
  }
  const record: ExtensionRecord = {
    key: entry.key,
    dueAt: formatInstant(newDue, zone),
    reason: request.reason,
    approverRole: request.approverRole,
    approvedBy: request.approvedBy,
    grantedAt: formatInstant(grantedAt, zone),
  };
  if (override !== undefined) record.overrideAuthority = override;
  return record;
}
