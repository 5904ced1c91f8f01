// Reads a service's /metrics (Prometheus text format) the way a scraper would.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
  return text.split("\n").flatMap((l) => {
    const m = line.exec(l);
    if (!m || l.startsWith("#")) return [];
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(label))
      labels[k!] = v!.replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
    return [{ name: m[1]!, labels, value: Number(m[3]) }];
  });
}

export interface Scrape {
  samples: Sample[];
  /** The one sample named `name` whose labels include `labels`; undefined when absent. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

export async function scrape(baseUrl: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const samples = parseMetrics(await res.text());
  return {
    samples,
    value(name, labels = {}) {
      const found = samples.filter(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
      if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
      return found[0]?.value;
    },
  };
}
