// Group commit for POST /sales: concurrent requests share transactions, so many sales pay for one
// commit and one set of round trips. Each request still gets its own outcome, and only after commit.
import type { Database } from "../../db/client.js";
import type { Trace } from "../../runtime/trace.js";
import type { TargetBook } from "../targets/book.js";
import { type Outcome, recordSales } from "./record.js";
import type { NewSale } from "./schemas.js";

interface Waiting {
  input: NewSale;
  trace: Trace | undefined;
  resolve: (o: Outcome) => void;
  reject: (err: unknown) => void;
}

export class SaleWriter {
  private queue: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: Database,
    private readonly book: TargetBook,
    /** Transactions at once; requests arriving meanwhile wait for the next one (no timer, no added delay when idle). */
    private readonly concurrency = 2,
    private readonly maxBatch = 250,
  ) {}

  record(input: NewSale, trace?: Trace): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, trace, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      recordSales(
        this.db,
        this.book,
        batch.map((w) => w.input),
        batch.map((w) => w.trace),
      )
        .then(
          (outcomes) => {
            for (const [i, w] of batch.entries()) w.resolve(outcomes[i]!);
          },
          (err: unknown) => {
            for (const w of batch) w.reject(err);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }
}
