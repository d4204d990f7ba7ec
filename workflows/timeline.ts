// The case's timeline: what happened, when and by whom (opaque IDs or roles, never names), in the order
// it was recorded. The `timeline` query and the records archive show it; a long-lived record keeps it
// bounded, dropping the oldest entries first.

export interface TimelineEvent {
  at: string;
  type: string;
  /** Opaque staff ID or role, never a name. */
  actor?: string;
  detail: string;
  noticeKey?: string;
}

export class Timeline {
  private readonly entries: TimelineEvent[] = [];

  /** `maxEvents`: the most entries kept (the oldest are dropped first); unbounded when undefined. */
  constructor(private readonly maxEvents?: number) {}

  /** Takes the entries a previous run carried across continue-as-new, as they were (not trimmed). */
  restore(events: readonly TimelineEvent[]): void {
    this.entries.push(...events);
  }

  record(event: Omit<TimelineEvent, 'at'> & { at?: string }): void {
    this.entries.push({ at: event.at ?? new Date(Date.now()).toISOString(), ...event } as TimelineEvent);
    const max = this.maxEvents;
    if (max !== undefined && this.entries.length > max) {
      this.entries.splice(0, this.entries.length - max);
    }
  }

  events(): TimelineEvent[] {
    return [...this.entries];
  }
}
