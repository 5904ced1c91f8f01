// The longest a cron schedule waits between two runs, for the aggregator's "no recent success" alert.
// It reads the schedules a Kubernetes CronJob takes in their plain form (numbers, `*`, ranges, lists,
// steps, the @ macros) with Kubernetes' day rule, and refuses anything else by name rather than guess.

export class CronScheduleError extends Error {
  constructor(
    schedule: string,
    /** What is wrong, without the schedule: for a config error that names the key instead. */
    readonly reason: string,
  ) {
    super(`cannot read cron schedule "${schedule}": ${reason}`);
    this.name = "CronScheduleError";
  }
}

const macros: Record<string, string> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

const fields = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  // 7 is Sunday too.
  { name: "day of week", min: 0, max: 7 },
] as const;

interface Field {
  values: Set<number>;
  /** `*` or `?` (step 1): matters for the day rule. */
  star: boolean;
}

const part = /^(?:(\*|\?)|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;

function readField(text: string, f: (typeof fields)[number], fail: (reason: string) => never): Field {
  const values = new Set<number>();
  let star = false;
  for (const item of text.split(",")) {
    const m = part.exec(item);
    if (!m) fail(`${f.name} "${item}" is not a number, range, list or step (names, L, W and # are not read)`);
    const [, any, from, to, stepText] = m;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) fail(`${f.name} step "${item}" must be at least 1`);
    // "N/step" means "N-max/step", as Kubernetes reads it.
    const low = any ? f.min : Number(from);
    const high = any ? f.max : to !== undefined ? Number(to) : stepText !== undefined ? f.max : low;
    if (low < f.min || high > f.max || low > high) fail(`${f.name} "${item}" is outside ${f.min}-${f.max}`);
    if (any && step === 1) star = true;
    for (let v = low; v <= high; v += step) values.add(f.name === "day of week" ? v % 7 : v);
  }
  return { values, star };
}

// Milliseconds, as Date counts.
const minute = 60_000;
const day = 24 * 60 * minute;
/** Long enough to see a leap day twice; starts on a Monday, 1 January 2024 (UTC, the CronJob's time zone). */
const simulatedDays = 8 * 366;
const start = Date.UTC(2024, 0, 1);

/**
 * The longest wait, in seconds, between two consecutive runs of `schedule` (UTC). Throws
 * CronScheduleError, naming the field, for what it cannot read or a schedule that never runs twice.
 */
export function cronMaxIntervalSeconds(schedule: string): number {
  const fail = (reason: string): never => {
    throw new CronScheduleError(schedule, reason);
  };
  const text = schedule.trim();
  const expanded = text.startsWith("@") ? (macros[text] ?? fail(`${text} is not a known macro`)) : text;
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) fail(`expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const [minutes, hours, dom, month, dow] = parts.map((p, i) => readField(p, fields[i]!, fail)) as [
    Field,
    Field,
    Field,
    Field,
    Field,
  ];

  const timesOfDay = [...hours.values]
    .flatMap((h) => [...minutes.values].map((m) => (h * 60 + m) * minute))
    .sort((a, b) => a - b);
  let last: number | undefined;
  let longest = 0;
  for (let d = 0; d < simulatedDays; d++) {
    const date = new Date(start + d * day);
    if (!month.values.has(date.getUTCMonth() + 1)) continue;
    const domMatch = dom.values.has(date.getUTCDate());
    const dowMatch = dow.values.has(date.getUTCDay());
    // Kubernetes' rule: when either day field is `*`, both must match; when both are restricted, either does.
    if (dom.star || dow.star ? !(domMatch && dowMatch) : !(domMatch || dowMatch)) continue;
    for (const t of timesOfDay) {
      const at = start + d * day + t;
      if (last !== undefined) longest = Math.max(longest, at - last);
      last = at;
    }
  }
  if (longest === 0) fail("it does not run at least twice in eight years");
  return longest / 1000;
}
