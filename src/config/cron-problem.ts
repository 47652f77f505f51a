interface CronField {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Tokens only this field accepts, as BullMQ's cron-parser reads them. */
  special?: RegExp;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: CronField[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, special: /^(\?|L)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS, special: /^(\?|L|[0-7]L|[0-7]#[1-5])$/i },
];

/**
 * Why a cron pattern would be refused when its scheduler is created, or null when it is fine. Checked with the
 * config, so a bad pattern is reported on its field (`sources[i].cron`) before anything starts.
 */
export function cronProblem(pattern: string): string | null {
  const parts = pattern.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return `expected a cron pattern of 5 or 6 fields, like "*/5 * * * *", got "${pattern}"`;
  const fields = parts.length === 6 ? FIELDS : FIELDS.slice(1);
  for (const [i, part] of parts.entries()) {
    const field = fields[i]!;
    const seen = new Set<string>();
    for (const item of part.split(',')) {
      const values = itemValues(item, field);
      if (typeof values === 'string') return `the ${field.name} field "${part}" ${values}`;
      // The scheduler refuses a list whose items overlap, e.g. "1,1-3" or "0,7" (both Sunday).
      for (const v of values) {
        if (seen.has(v)) return `the ${field.name} field "${part}" repeats ${v}`;
        seen.add(v);
      }
    }
  }
  return null;
}

/** The values an item stands for, or why it is wrong. */
function itemValues(item: string, field: CronField): string[] | string {
  if (field.special?.test(item) || item === 'H') return [item.toUpperCase()];
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || range === undefined || range === '') return 'is not a cron field';
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `has a bad step "/${step}"`;
  let low = field.min;
  let high = field.max;
  if (range !== '*') {
    const [from, to, more] = range.split('-');
    if (more !== undefined) return 'is not a cron field';
    const a = valueOf(from!, field);
    const b = to === undefined ? a : valueOf(to, field);
    if (a === null || b === null) return `expects ${field.min}-${field.max}${field.names ? ` or names like ${field.names[0]}` : ''}`;
    if (a > b) return `has a backwards range "${range}"`;
    [low, high] = [a, b];
    if (step !== undefined && to === undefined) high = field.max;
  }
  const values = new Set<string>();
  for (let n = low; n <= high; n += Number(step ?? 1)) values.add(String(field.name === 'day-of-week' && n === 7 ? 0 : n));
  return [...values];
}

function valueOf(text: string, field: CronField): number | null {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : null;
  }
  const index = field.names?.indexOf(text.toLowerCase()) ?? -1;
  return index < 0 ? null : index + (field.name === 'month' ? 1 : 0);
}
