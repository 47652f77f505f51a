import type { PageFrame } from './page-frame.ts';
import { PageLayout } from './page-layout.tsx';
import { ScrollRegion } from './scroll-region.tsx';
import { RECENT_DAYS, type WatchlistsData } from './watchlist-data.ts';

/** `/watchlists`: each configured watchlist, its terms, its matches of the last days, its page and feed. */
export function WatchlistsPage({ data, frame }: { data: WatchlistsData; frame: PageFrame }) {
  return (
    <PageLayout frame={frame} title="Watchlists" page="watchlists">
      <h1>Watchlists</h1>
      {data.watchlists.length === 0 ? (
        <p class="muted" id="no-watchlists">
          No watchlist is configured: add one under <code>watchlists</code> in the config.
        </p>
      ) : (
        <ScrollRegion label="Watchlists">
          <table id="watchlists">
            <thead>
              <tr>
                <th scope="col">Watchlist</th>
                <th scope="col">Terms</th>
                <th scope="col" class="num">
                  Matches, last {RECENT_DAYS} days
                </th>
                <th scope="col">Feed</th>
              </tr>
            </thead>
            <tbody>
              {data.watchlists.map(({ watchlist: w, recent, capped }) => (
                <tr data-watchlist-id={w.id}>
                  <td data-field="id">
                    <a href={`/watchlists/${encodeURIComponent(w.id)}`}>{w.id}</a>
                  </td>
                  <td data-field="terms">{w.terms.join(', ')}</td>
                  <td data-field="recent" class="num">
                    {capped ? `${recent}+` : recent}
                  </td>
                  <td data-field="feed">
                    <a href={`/feeds/watchlists/${encodeURIComponent(w.id)}.xml`}>RSS</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </PageLayout>
  );
}
