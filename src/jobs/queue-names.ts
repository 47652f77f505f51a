/** Queue names, visible in Redis keys and on the dashboard. Part of the operators' contract: keep them stable. */
export const QUEUE_NAMES = { crawl: 'vigie-crawl', article: 'vigie-article', delivery: 'vigie-delivery' } as const;
export type QueueKind = keyof typeof QUEUE_NAMES;
