// The written notices of a Title IX case, one message per party, and what each one says.
import type { ContextValue } from '../../activities/notifications';
import { DISMISSAL_REASON_TEXT, type Party } from '../../domain/cases/title-ix';
import type { CaseRuntime } from '../case-runtime';
import type { Participants } from './participants';
import type { TitleIxStage } from './types';

/** What one party's notice says: its title, and the template fields for that party alone. */
export interface PartyLetter {
  document: string;
  context?: Record<string, ContextValue>;
}

export interface NoticeOptions {
  /** The party's advisor gets a copy too (the evidence and the investigative report). */
  advisors?: boolean;
  documentRef?: string;
}

export class PartyNotices {
  constructor(
    private readonly runtime: CaseRuntime<TitleIxStage>,
    private readonly participants: Participants,
  ) {}

  /**
   * Written notice to each party "simultaneously" (3.26 Formal Complaint, Determination, Appeals,
   * dismissal): one message per party, all scheduled from this one workflow step with the same Date
   * header (`at`, the workflow's clock). Each message is addressed to its own party (and, for the
   * evidence and the report, that party's advisor) and carries only what that party may see: its own
   * role and the case's dates, never another party's name or address. The notice key holds the
   * party's opaque ID, so each party's Message-ID is its own and stable across retries.
   */
  async tell(
    step: string,
    at: string,
    who: readonly Party[],
    letter: (party: Party) => PartyLetter,
    options: NoticeOptions = {},
  ): Promise<void> {
    await Promise.all(
      who.map((party) => {
        const { document, context } = letter(party);
        return this.runtime.notify({
          kind: 'party-notice',
          noticeKey: `${step}/party-notice/${party.id}`,
          role: 'title-ix-coordinator',
          sentAt: at,
          recipients: this.participants.recipientsOf(party, options.advisors ?? false),
          delivery: { document, to: party.role },
          context: {
            partyRole: party.role,
            ...(options.documentRef ? { documentRef: options.documentRef } : {}),
            ...context,
          },
        });
      }),
    );
  }
}

/** What each notice of the case says (3.26). */
export const letters = {
  formalComplaint: (): PartyLetter => ({
    document: 'Notice of formal complaint and of the allegations',
    context: { formalComplaint: true },
  }),

  evidence: (reportNotBefore: string): PartyLetter => ({
    document: 'Evidence for inspection and review, and your time to respond',
    context: { evidence: true, reportNotBefore },
  }),

  investigativeReport: (determinationNotBefore: string): PartyLetter => ({
    document: 'Investigative report',
    context: { investigativeReport: true, determinationNotBefore },
  }),

  determination: (outcome: string, appealBy: string, finalOn: string): PartyLetter => ({
    document: 'Written determination regarding responsibility',
    context: { determination: true, outcome, appealBy, finalOn },
  }),

  /** The appellant is told its appeal was received; every other party, that an appeal was filed. */
  appeal: (appellant: Party, basis: readonly string[], party: Party): PartyLetter =>
    party.id === appellant.id
      ? {
          document: 'Your appeal: receipt and appeal procedures',
          context: { appealFiled: true, isAppellant: true },
        }
      : {
          document: 'Notice of an appeal, and the appeal procedures',
          context: {
            appealFiled: true,
            appellantRole: appellant.role,
            appealBasis: basis.join(', '),
          },
        },

  appealDecision: (appealResult: string): PartyLetter => ({
    document: 'Written decision on the appeal',
    context: { appealDecision: true, appealResult },
  }),

  dismissal: (
    dismissal: { grounds: string; reason: string },
    appealBy: string,
    standsOn: string,
  ): PartyLetter => ({
    document: 'Notice of dismissal of the formal complaint, with its reason',
    context: {
      dismissal: true,
      dismissalGrounds: dismissal.grounds,
      dismissalReason: DISMISSAL_REASON_TEXT[dismissal.reason] ?? dismissal.reason,
      appealBy,
      standsOn,
    },
  }),
};
