// Prints each step as it starts and ends, and keeps the record for the closing report.

export type Print = (line: string) => void;

interface StepRecord {
  title: string;
  ok: boolean;
  detail: string;
  seconds: number;
}

export class StepLog {
  private readonly records: StepRecord[] = [];

  constructor(
    readonly print: Print,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs one step. `run` may return a short result ("blue live, green idle") to show beside the tick;
   * a thrown error marks the step failed and propagates.
   */
  async step<T>(title: string, run: () => Promise<T>, describe?: (result: T) => string): Promise<T> {
    this.print(`▶ ${title}`);
    const started = this.now();
    const seconds = () => (this.now() - started) / 1000;
    try {
      const result = await run();
      const detail = describe ? describe(result) : "";
      this.records.push({ title, ok: true, detail, seconds: seconds() });
      this.print(`  ✓ ${title}${detail ? `: ${detail}` : ""} (${seconds().toFixed(1)}s)`);
      return result;
    } catch (err) {
      const detail = errorMessage(err);
      this.records.push({ title, ok: false, detail, seconds: seconds() });
      this.print(`  ✗ ${title}: ${detail}`);
      throw err;
    }
  }

  /** Indented detail under the running step (a smoke check, a line of `up` progress). */
  detail(line: string): void {
    this.print(`    ${line}`);
  }

  /** The closing report: every step that ran, its result and time, then the outcome. */
  report(heading: string, outcome: string): void {
    const width = Math.max(...this.records.map((record) => record.title.length), 0);
    this.print("");
    this.print(heading);
    for (const record of this.records) {
      const mark = record.ok ? "✓" : "✗";
      const detail = record.detail ? `  ${record.detail}` : "";
      this.print(`  ${mark} ${record.title.padEnd(width)}  ${record.seconds.toFixed(1).padStart(6)}s${detail}`);
    }
    this.print(outcome);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
