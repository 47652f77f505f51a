/** The `data.detail` of a source event's payload (why it degraded), or null when the payload has none. */
export function eventDetail(payload: string): string | null {
  try {
    const detail = (JSON.parse(payload) as { data?: { detail?: unknown } })?.data?.detail;
    return typeof detail === 'string' && detail !== '' ? detail : null;
  } catch {
    return null;
  }
}
