import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../shared/db/database";
import { log } from "../../shared/observability/logger";
import { outcomeWrites, type Settled } from "./outcome-writes";

type Write = (items: BatchItem<"sqlite">[]) => Promise<unknown>;

/**
 * Records sent and rejected outcomes while the batch is still sending: the first one starts a
 * timer, and when it fires everything settled meanwhile goes to D1 in one `db.batch()`. A batch
 * that finishes within one interval writes nothing early (its final write carries it all), so
 * D1 work stays bounded — at most one round trip per interval — while a crash forgets only the
 * sends still in flight and those answered within the last interval.
 */
export class OutcomeRecorder {
  private pending: Settled[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private recorded = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly claimedAt: string,
    private readonly intervalMs: number,
    private readonly write: Write = (items) => db.batch(items as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]),
  ) {}

  /** A delivery that is sent or rejected: recorded within `intervalMs`. */
  settled(outcome: Settled): void {
    this.pending.push(outcome);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.flush());
    }, this.intervalMs);
  }

  /** Waits for early writes under way; says which deliveries they recorded (the final write skips those). */
  async stop(): Promise<Set<string>> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    return this.recorded;
  }

  /** An early write that fails is not retried here: its deliveries stay pending for the final write. */
  private async flush(): Promise<void> {
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    try {
      await this.write(outcomeWrites(this.db, group, this.claimedAt));
      for (const { delivery } of group) this.recorded.add(delivery.row.id);
    } catch (error) {
      log.error("dispatch.early_write_failed", { deliveries: group.length, error: String(error) });
    }
  }
}
