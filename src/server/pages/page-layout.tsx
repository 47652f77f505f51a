/*
 * The shared layout of the dashboard's pages, and the DOM contract with live.js (the live-updates script, which
 * documents the same list at its top). Cells are found by `data-field`; new rows copy the cells of a row already
 * there, so a column added here is kept (empty) in rows the script adds.
 *
 * Every page
 *   <body data-page="overview|source|story|articles|not-found"> (and data-source-id / data-story-id on those pages).
 *   <span data-live-status>: empty without JavaScript; the script writes "live", "reconnecting" or "offline".
 *   Every time is <time datetime="ISO" data-format="relative|absolute">: relative shows "5 minutes ago" with the UTC
 *   time in its title, absolute shows the UTC time; the script rewrites both in the reader's time zone.
 * Overview (/)
 *   <tbody data-live="sources"> rows <tr data-source-id="ID"> with <td data-field="state" data-state="KEY"> (KEY one of
 *     ok, failing, degraded, over-capacity, new; the text "ok", "failing", "degraded", "over capacity", "not crawled
 *     yet") and <td data-field="last-crawl"> (a <time>); also next-run, lag, entries (the sparkline), error.
 *   <tbody data-live="stories"> rows <tr data-story-id="N">, newest first, cells title (<a href="/stories/N" lang>),
 *     source, lang, time, also-at (a <ul> of <li data-article-id> links to the copies, each with its lang).
 *   <tbody data-live="failing-deliveries"> rows <tr data-delivery-id="N"> (not updated live: reload to see).
 * Source page (/sources/ID)
 *   <tbody data-live="crawls" data-source-id="ID"> rows <tr data-crawl-id="N">, cells time, outcome, status,
 *     duration, found, new, lag, error.
 * Watchlists (/watchlists) and a watchlist's page (/watchlists/ID, body data-watchlist-id): its matches are rows
 *   <tr data-match-id="N" data-story-id="M"> (not updated live), each hit an <li data-term> with its excerpt, the
 *   hit in <mark>.
 * Story page (/stories/N)
 *   <table id="copies" data-story-id="N"> rows <tr data-article-id="M">, cells title, source, lang, time, read-here.
 *   <tbody data-live="deliveries" data-story-id="N"> rows <tr data-delivery-id="D">, cells id, event, endpoint,
 *     state, attempts, time, outcome, status (of the latest attempt), attempt-log, actions. data-story-id is on the
 *     tbody, not the table: live.js appends a story's new copies to table[data-story-id].
 *
 * Forms (for people and browser tests): "Crawl now" is form#crawl-now, "Replay" form#replay-<delivery id>,
 * "Pause"/"Resume" form#pause-<webhook id> / form#resume-<webhook id>; each button is #<form id>-button.
 * The pages read whole without JavaScript. The CSP forbids inline script and inline style: both are files in /assets/.
 */
import type { ComponentChildren } from 'preact';
import type { FeedLink } from '../feed-links.ts';
import { doneText, type PageFrame } from './page-frame.ts';

export type PageName = 'overview' | 'source' | 'story' | 'articles' | 'watchlists' | 'watchlist' | 'not-found';

type NavLink = { href: string; label: string; page?: PageName[] };

const NAV: NavLink[] = [
  { href: '/', label: 'Overview', page: ['overview'] },
  { href: '/articles', label: 'Articles', page: ['articles'] },
  { href: '/queues', label: 'Queues' },
  { href: '/feeds/all.xml', label: 'Feeds' },
];
const WATCHLISTS_NAV: NavLink = { href: '/watchlists', label: 'Watchlists', page: ['watchlists', 'watchlist'] };

export function PageLayout({
  frame,
  title,
  page,
  children,
  bodyData = {},
  feeds = [],
}: {
  frame: PageFrame;
  title: string;
  page: PageName;
  children: ComponentChildren;
  bodyData?: Record<string, string>;
  /** This page's own feeds, linked in its head after the feeds of every story. */
  feeds?: FeedLink[];
}) {
  const done = doneText(frame.done);
  // Watchlists only when there are some: an empty page in every nav would say nothing.
  const nav = frame.watchlists ? [...NAV.slice(0, 2), WATCHLISTS_NAV, ...NAV.slice(2)] : NAV;
  const data = Object.fromEntries(Object.entries(bodyData).map(([k, v]) => [`data-${k}`, v]));
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="referrer" content="same-origin" />
        <title>{`${title} · Vigie`}</title>
        <link rel="stylesheet" href={frame.assets.css} />
        <link rel="icon" type="image/svg+xml" href={frame.assets.icon} />
        <link rel="alternate" type="application/rss+xml" title="Vigie: all stories (RSS)" href="/feeds/all.xml" />
        <link rel="alternate" type="application/atom+xml" title="Vigie: all stories (Atom)" href="/feeds/all.atom" />
        {feeds.map((f) => (
          <link rel="alternate" type={f.type} title={f.title} href={f.href} />
        ))}
        <script src={frame.assets.js} defer></script>
      </head>
      <body data-page={page} {...data}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <a class="brand" href="/">
            Vigie
          </a>
          <nav aria-label="Main">
            <ul>
              {nav.map((n) => (
                <li>
                  <a href={n.href} aria-current={n.page?.includes(page) ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <span class="live-status" data-live-status aria-live="polite"></span>
        </header>
        <main id="main" tabindex={-1}>
          {done && (
            <p class="notice" role="status" id="notice" data-done={done.key}>
              {done.text}
            </p>
          )}
          {children}
        </main>
      </body>
    </html>
  );
}
