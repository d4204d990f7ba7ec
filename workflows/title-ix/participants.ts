// Who takes part in a Title IX case: the parties (by opaque ID, with the contact details only the
// notices use) and the staff who have held each role, for the role separation of 3.26.
import type { NoticeRecipient } from '../../activities/notifications';
import { NOTICED_ROLES, type Party } from '../../domain/cases/title-ix';
import { refuse } from '../refusals';
import type { StaffRoles, TitleIxDetails } from './types';

export type StaffRole = keyof StaffRoles;

/** How each staff role is named in a refusal. */
const ROLE_NAMES: Record<StaffRole, string> = {
  coordinators: 'Title IX Coordinator',
  investigators: 'investigator',
  decisionMakers: 'decision-maker',
  appealDecisionMakers: 'appeal decision-maker',
};

export class Participants {
  private readonly parties: Map<string, Party>;
  private readonly staff: Record<StaffRole, Set<string>>;

  constructor(parties: readonly Party[], coordinatorId: string) {
    this.parties = new Map(parties.map((p) => [p.id, p]));
    this.staff = {
      coordinators: new Set([coordinatorId]),
      investigators: new Set(),
      decisionMakers: new Set(),
      appealDecisionMakers: new Set(),
    };
  }

  get(id: string): Party | undefined {
    return this.parties.get(id);
  }

  /** Adds a party or replaces its details; true when the party is new to the case. */
  set(party: Party): boolean {
    const isNew = !this.parties.has(party.id);
    this.parties.set(party.id, party);
    return isNew;
  }

  /** The parties to the grievance process proper, who receive its written notices. */
  noticed(): Party[] {
    return [...this.parties.values()].filter((p) => NOTICED_ROLES.includes(p.role));
  }

  /** A complainant or respondent of this case, or a refusal naming the ones it has. */
  requireNoticed(id: string, what: string): Party {
    const party = this.parties.get(id);
    if (!party || !NOTICED_ROLES.includes(party.role)) {
      refuse('UNKNOWN_PARTY', `${what}: ${id} is not a complainant or respondent in this case`, {
        field: 'party',
        value: id,
        known: this.noticed().map((p) => p.id),
      });
    }
    return party;
  }

  /** A party's role never changes once recorded. */
  requireSameRole(party: Party): void {
    const existing = this.parties.get(party.id);
    if (existing && existing.role !== party.role) {
      refuse(
        'PARTY_ROLE_FIXED',
        `party ${party.id} is the ${existing.role} in this case; a party's role does not change`,
        { field: 'party.role', value: party.role },
      );
    }
  }

  /** Records that a staff member acted in a role in this case. */
  actedAs(role: StaffRole, ...ids: readonly string[]): void {
    for (const id of ids) this.staff[role].add(id);
  }

  /**
   * 3.26 Determination; Appeals item 4: nobody decides who held an excluded role in this case.
   * `source` is the section cited in the refusal.
   */
  requireSeparate(by: string, as: StaffRole, excluded: readonly StaffRole[], source: string): void {
    for (const role of excluded) {
      if (!this.staff[role].has(by)) continue;
      refuse(
        'ROLE_SEPARATION',
        `staff ${by} acted as the ${ROLE_NAMES[role]} in this case and may not be the ${ROLE_NAMES[as]} (${source})`,
        { field: 'by', value: by, conflictsWith: ROLE_NAMES[role], rule: 'separation-of-roles', source },
      );
    }
  }

  /** The party's own address and, when asked for and known, its advisor's. */
  recipientsOf(party: Party, withAdvisor: boolean): NoticeRecipient[] {
    const own: NoticeRecipient = { id: party.id, email: party.email as string };
    if (party.name) own.name = party.name;
    if (!withAdvisor || !party.advisor) return [own];
    const advisor: NoticeRecipient = { id: `${party.id}-ADVISOR`, email: party.advisor.email };
    if (party.advisor.name) advisor.name = party.advisor.name;
    return [own, advisor];
  }

  details(): Pick<TitleIxDetails, 'parties' | 'staff'> {
    return {
      parties: [...this.parties.values()].map((p) => ({ id: p.id, role: p.role, advisor: !!p.advisor })),
      staff: {
        coordinators: [...this.staff.coordinators],
        investigators: [...this.staff.investigators],
        decisionMakers: [...this.staff.decisionMakers],
        appealDecisionMakers: [...this.staff.appealDecisionMakers],
      },
    };
  }
}
