/** `2026-12-01 08:00 UTC`: the time every channel can show, whatever its reader's zone. */
export function utcTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** `2026-12-01 07:00 – 2026-12-02 07:00 UTC`, the date given once when both ends share it. */
export function utcPeriod(from: string, to: string): string {
  const a = utcTime(from);
  const b = utcTime(to);
  if (a.slice(0, 10) === b.slice(0, 10)) return `${a.slice(0, 16)} – ${b.slice(11)}`;
  return `${a.slice(0, 16)} – ${b}`;
}
