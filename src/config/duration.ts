const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/**
 * Parses `500ms`, `30s`, `5m`, `1h`, `1d` into milliseconds; returns null for anything else. Zero (`0s`, `0ms`)
 * is null too unless `allowZero`: a schedule of 0 is a mistake, a host interval of 0 is a choice.
 */
export function parseDuration(text: string, allowZero = false): number | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const ms = Math.round(Number(match[1]) * UNITS[match[2]!]!);
  return Number.isFinite(ms) && (ms > 0 || (allowZero && ms === 0)) ? ms : null;
}
