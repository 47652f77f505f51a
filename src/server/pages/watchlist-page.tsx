import { watchlistFeedLinks } from '../feed-links.ts';
import { LanguageTag } from './language-tag.tsx';
import type { PageFrame } from './page-frame.ts';
import { PageLayout } from './page-layout.tsx';
import { ScrollRegion } from './scroll-region.tsx';
import type { WatchlistData } from './watchlist-data.ts';
import { watchlistHits, type ShownHit } from './watchlist-hits.ts';
import { TimeStamp } from './time-stamp.tsx';

/**
 * `/watchlists/:id`: what the watchlist follows, where its matches go (channels by id: their URLs hold secrets),
 * and its latest matches, each term with its excerpt and the hit marked.
 */
export function WatchlistPage({ data, frame }: { data: WatchlistData; frame: PageFrame }) {
  const w = data.watchlist;
  const feeds = watchlistFeedLinks(w.id);
  return (
    <PageLayout frame={frame} title={`Watchlist ${w.id}`} page="watchlist" bodyData={{ 'watchlist-id': w.id }} feeds={feeds}>
      <h1>Watchlist {w.id}</h1>
      <dl id="watchlist-config">
        <dt>Terms</dt>
        <dd data-field="terms">
          <ul>
            {w.terms.map((t) => (
              <li>{t}</li>
            ))}
          </ul>
        </dd>
        <dt>Excludes</dt>
        <dd data-field="exclude">
          {w.exclude.length === 0 ? (
            <span class="muted">none</span>
          ) : (
            <ul>
              {w.exclude.map((t) => (
                <li>{t}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Sources</dt>
        <dd data-field="sources">
          {w.sources === null
            ? 'all sources'
            : w.sources.map((id, i) => (
                <>
                  {i > 0 && ', '}
                  <a href={`/sources/${encodeURIComponent(id)}`}>{id}</a>
                </>
              ))}
        </dd>
        <dt>Notifies</dt>
        <dd data-field="notify">{w.notify.length === 0 ? <span class="muted">no channel: the dashboard and the feed only</span> : w.notify.join(', ')}</dd>
        {w.digest && (
          <>
            <dt>Digest</dt>
            <dd data-field="digest">
              <code>{w.digest.cron}</code> ({w.digest.tz}) to {w.digest.notify.join(', ')}
              {w.digest.sendEmpty ? ', even when nothing matched' : ''}.{' '}
              {data.lastDigest ? (
                <span data-field="last-digest">
                  Last: <TimeStamp iso={data.lastDigest.dueAt} now={frame.now} />, {data.lastDigest.stories} {data.lastDigest.stories === 1 ? 'story' : 'stories'}.
                </span>
              ) : (
                <span class="muted">No digest has run yet.</span>
              )}
            </dd>
          </>
        )}
        <dt>Feed</dt>
        <dd data-field="feeds">
          {feeds.map((f, i) => (
            <>
              {i > 0 && ' · '}
              <a href={f.href} type={f.type}>
                {f.title.replace(/^.*\((.*)\)$/, '$1')}
              </a>
            </>
          ))}
        </dd>
      </dl>

      <section aria-labelledby="matches-title">
        <h2 id="matches-title">Recent matches</h2>
        {data.matches.length === 0 ? (
          <p class="muted" id="no-matches">
            No story has matched yet.
          </p>
        ) : (
          <ScrollRegion label="Matches">
            <table id="matches">
              <thead>
                <tr>
                  <th scope="col">Story</th>
                  <th scope="col">Source</th>
                  <th scope="col">Language</th>
                  <th scope="col">Matched</th>
                  <th scope="col">Terms</th>
                </tr>
              </thead>
              <tbody>
                {data.matches.map(({ match, story }) => {
                  const copy = story.copies.find((c) => c.id === match.articleId) ?? story.copies[0];
                  return (
                    <tr data-match-id={String(match.id)} data-story-id={String(story.id)}>
                      <td data-field="title">
                        <a href={`/stories/${story.id}`} lang={copy?.lang ?? undefined}>
                          {story.title || copy?.title || `Story ${story.id}`}
                        </a>
                      </td>
                      <td data-field="source">{copy && <a href={`/sources/${encodeURIComponent(copy.sourceId)}`}>{copy.sourceId}</a>}</td>
                      <td data-field="lang">
                        <LanguageTag lang={copy?.lang} />
                      </td>
                      <td data-field="time">
                        <TimeStamp iso={match.createdAt} now={frame.now} />
                      </td>
                      <td data-field="hits">
                        <ul class="hits">
                          {watchlistHits(match.hits).map((h) => (
                            <Hit hit={h} lang={copy?.lang ?? undefined} />
                          ))}
                        </ul>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </section>
    </PageLayout>
  );
}

/** A term and its excerpt: every part is text (Preact escapes it); only the <mark> around the hit is ours. */
function Hit({ hit, lang }: { hit: ShownHit; lang: string | undefined }) {
  const e = hit.excerpt;
  return (
    <li data-term={hit.term}>
      <strong>{hit.term}</strong>
      {e && (
        <>
          {': '}
          <q lang={lang}>
            {e.cutBefore && '…'}
            {e.before}
            <mark>{e.hit}</mark>
            {e.after}
            {e.cutAfter && '…'}
          </q>
        </>
      )}
    </li>
  );
}
