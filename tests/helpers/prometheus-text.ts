/** A strict reader of the Prometheus text exposition format 0.0.4, for tests: it throws on anything Prometheus would refuse or misread. */

export type Labels = Record<string, string>;
export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}
export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string | null;
  samples: Sample[];
}
export interface HistogramSeries {
  labels: Labels;
  /** Upper bound (`le`) to cumulative count, in order; +Inf last. */
  buckets: Array<[number, number]>;
  sum: number;
  count: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** A sample value as Prometheus reads it (Go's ParseFloat: NaN and Inf in any case, with a sign for Inf). */
function parseValue(text: string, where: string): number {
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`${where}: bad value "${text}"`);
  return Number(text);
}

function parseLabels(text: string, where: string): { labels: Labels; rest: string } {
  const labels: Labels = {};
  let i = 1; // after '{'
  while (text[i] !== '}') {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without "="`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`${where}: bad label name "${name}"`);
    if (name in labels) throw new Error(`${where}: label "${name}" twice`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label value of "${name}" not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else throw new Error(`${where}: bad escape "\\${next}" in label "${name}"`);
      } else if (text[j] === '\n') throw new Error(`${where}: raw newline in label "${name}"`);
      else value += text[j];
    }
    if (j >= text.length) throw new Error(`${where}: unterminated value of label "${name}"`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') {
      i++;
      if (text[i] === '}') throw new Error(`${where}: trailing comma in labels`);
    } else if (text[i] !== '}') throw new Error(`${where}: expected "," or "}" after label "${name}"`);
  }
  return { labels, rest: text.slice(i + 1) };
}

const seriesKey = (name: string, labels: Labels) => `${name}{${Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`;

/** The family a sample belongs to: its own name, or for histograms and summaries the name without its suffix. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  const own = families.get(name);
  if (own) return own;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const base = m && families.get(m[1]!);
  if (base && (base.type === 'histogram' || (base.type === 'summary' && m![2] !== 'bucket'))) return base;
  return undefined;
}

/** Parses a whole exposition; throws with the line number on the first problem. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const typed = new Set<string>();
  const closed = new Set<string>(); // families whose samples are over: a sample after another family's is refused
  let current: Family | null = null;
  text.split('\n').slice(0, -1).forEach((line, n) => {
    const where = `line ${n + 1} ("${line.slice(0, 80)}")`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name!)) throw new Error(`${where}: bad metric name`);
      let family = families.get(name!);
      if (family && closed.has(name!)) throw new Error(`${where}: ${kind} for ${name} after its samples were over`);
      if (!family) {
        family = { name: name!, type: 'untyped', help: null, samples: [] };
        families.set(name!, family);
      }
      if (current && current !== family) closed.add(current.name);
      current = family;
      if (kind === 'HELP') {
        if (family.help !== null) throw new Error(`${where}: second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`${where}: bad escape in HELP`);
        family.help = rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
      } else {
        if (typed.has(name!)) throw new Error(`${where}: second TYPE for ${name}`);
        if (family.samples.length > 0) throw new Error(`${where}: TYPE for ${name} after its samples`);
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type "${rest}"`);
        family.type = rest as Family['type'];
        typed.add(name!);
      }
      return;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`${where}: no value`);
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name "${name}"`);
    let labels: Labels = {};
    let rest = line.slice(nameEnd);
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, where));
    const parts = rest.split(' ');
    if (parts[0] !== '' || parts.length < 2 || parts.length > 3) throw new Error(`${where}: expected " value [timestamp]" after the name`);
    const value = parseValue(parts[1]!, where);
    if (parts[2] !== undefined && !/^-?\d+$/.test(parts[2])) throw new Error(`${where}: bad timestamp`);
    let family = familyOf(name, families);
    if (!family) {
      family = { name, type: 'untyped', help: null, samples: [] };
      families.set(name, family);
    }
    if (closed.has(family.name)) throw new Error(`${where}: samples of ${family.name} are not grouped together`);
    if (current && current !== family) closed.add(current.name);
    current = family;
    const key = seriesKey(name, labels);
    if (seen.has(key)) throw new Error(`${where}: series ${key} twice`);
    seen.add(key);
    if (family.type === 'counter' && !(value >= 0)) throw new Error(`${where}: a counter must not be negative`);
    if (family.type === 'histogram') {
      if (name === `${family.name}_bucket` ? !('le' in labels) : 'le' in labels) throw new Error(`${where}: "le" belongs on _bucket samples only`);
      if (name === family.name) throw new Error(`${where}: a histogram sample needs _bucket, _sum or _count`);
    }
    family.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') histograms(f); // checks every histogram's shape
  return families;
}

/** A histogram family's series, checked: buckets in increasing `le`, cumulative, +Inf equal to _count, and _sum present. */
export function histograms(family: Family): HistogramSeries[] {
  if (family.type !== 'histogram') throw new Error(`${family.name} is a ${family.type}, not a histogram`);
  const series = new Map<string, HistogramSeries & { sumSeen: boolean; countSeen: boolean }>();
  const of = (labels: Labels) => {
    const key = seriesKey('', labels);
    let s = series.get(key);
    if (!s) series.set(key, (s = { labels, buckets: [], sum: NaN, count: NaN, sumSeen: false, countSeen: false }));
    return s;
  };
  for (const { name, labels, value } of family.samples) {
    const { le, ...rest } = labels;
    const s = of(rest);
    if (name.endsWith('_bucket')) s.buckets.push([parseValue(le!, `${name} le`), value]);
    else if (name.endsWith('_sum')) (s.sum = value), (s.sumSeen = true);
    else (s.count = value), (s.countSeen = true);
  }
  return [...series.values()].map(({ sumSeen, countSeen, ...s }) => {
    const what = `${family.name}${JSON.stringify(s.labels)}`;
    if (!sumSeen || !countSeen) throw new Error(`${what}: _sum or _count missing`);
    if (s.buckets.length === 0 || s.buckets.at(-1)![0] !== Infinity) throw new Error(`${what}: no +Inf bucket last`);
    s.buckets.forEach(([le, n], i) => {
      if (i > 0 && !(le > s.buckets[i - 1]![0])) throw new Error(`${what}: le ${le} not above the previous bucket's`);
      if (i > 0 && n < s.buckets[i - 1]![1]) throw new Error(`${what}: bucket le=${le} (${n}) below the previous one: not cumulative`);
    });
    if (s.buckets.at(-1)![1] !== s.count) throw new Error(`${what}: +Inf bucket ${s.buckets.at(-1)![1]} is not _count ${s.count}`);
    return s;
  });
}

/** The value of the one sample with exactly these labels; undefined when there is none. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Labels = {}): number | undefined {
  const family = familyOf(name, families);
  const key = seriesKey(name, labels);
  return family?.samples.find((s) => s.name === name && seriesKey(s.name, s.labels) === key)?.value;
}

/** The series of a histogram whose labels are exactly these; throws when absent. */
export function histogramSeries(families: Map<string, Family>, name: string, labels: Labels = {}): HistogramSeries {
  const family = families.get(name);
  if (!family) throw new Error(`no family ${name}`);
  const found = histograms(family).find((s) => seriesKey('', s.labels) === seriesKey('', labels));
  if (!found) throw new Error(`no series ${name}${JSON.stringify(labels)}`);
  return found;
}
