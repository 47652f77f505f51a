import type { ActionDone } from '../actions.ts';

/** What every page shares besides its own data: built per request by dashboard-routes.ts. */
export interface PageFrame {
  /** Versioned URLs of the stylesheet and the live-updates script. */
  assets: { css: string; js: string; icon: string };
  /** The `_csrf` value for forms; null without VIGIE_TOKEN (the server is read-only and forms are disabled). */
  csrf: string | null;
  /** The time the page is rendered at (ms), for relative times. */
  now: number;
  /** This page's path and query, where a form's action sends the reader back to. */
  path: string;
  /** The action that sent the reader here (`?done=`), if one of ours. */
  done: ActionDone | null;
  /** At least one watchlist is configured: the nav links /watchlists. */
  watchlists: boolean;
}

const DONE_TEXT: Record<ActionDone, string> = {
  'crawl-queued': 'Crawl queued: it runs as soon as a worker and the site’s host allow.',
  'replay-queued': 'Delivery replayed: it is sent again shortly, with a new retry window.',
  'webhook-paused': 'Webhook paused: its deliveries wait, none is dropped.',
  'webhook-resumed': 'Webhook resumed: its waiting deliveries go out again.',
};

/** The sentence shown for `?done=`, or null when the value is not one of ours (never echoed back). */
export function doneText(done: string | undefined | null): { key: ActionDone; text: string } | null {
  return done && Object.hasOwn(DONE_TEXT, done) ? { key: done as ActionDone, text: DONE_TEXT[done as ActionDone] } : null;
}
