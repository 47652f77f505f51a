import { relativeTime, utcText } from './time-text.ts';

/**
 * A time as `<time datetime="ISO">`: relative ("5 minutes ago", the UTC time on hover) or absolute (the UTC time).
 * live.js rewrites both in the reader's time zone, after `data-format`.
 */
export function TimeStamp({ iso, now, format = 'relative' }: { iso: string | null; now: number; format?: 'relative' | 'absolute' }) {
  if (!iso) return <span class="muted">never</span>;
  return format === 'relative' ? (
    <time datetime={iso} title={utcText(iso)} data-format="relative">
      {relativeTime(iso, now)}
    </time>
  ) : (
    <time datetime={iso} data-format="absolute">
      {utcText(iso)}
    </time>
  );
}
