const BAR = 6;
const HEIGHT = 20;

/**
 * Entries per day as small bars, oldest first, drawn inline (no script, no request). The counts are in the label
 * for screen readers, in `data-counts` for scripts and tests, and on hover per day.
 */
export function Sparkline({ days, counts }: { days: string[]; counts: number[] }) {
  const max = Math.max(1, ...counts);
  const total = counts.reduce((a, b) => a + b, 0);
  const label = `New entries per day from ${days[0]} to ${days.at(-1)}: ${counts.join(', ')} (${total} in all)`;
  return (
    <svg class="sparkline" viewBox={`0 0 ${days.length * BAR} ${HEIGHT}`} width={days.length * BAR} height={HEIGHT} role="img" aria-label={label} data-counts={counts.join(',')}>
      {counts.map((n, i) => {
        // A day without entries keeps a 1-unit stub, so the row of days stays visible.
        const h = n === 0 ? 1 : Math.max(2, Math.round((n / max) * HEIGHT));
        return (
          <rect x={i * BAR} y={HEIGHT - h} width={BAR - 1} height={h} class={n === 0 ? 'empty' : undefined}>
            <title>{`${days[i]}: ${n}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

/** The `n` UTC days (YYYY-MM-DD) ending today, oldest first. */
export function lastDays(n: number, now: number): string[] {
  const today = Math.floor(now / 86_400_000) * 86_400_000;
  return Array.from({ length: n }, (_, i) => new Date(today - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}
