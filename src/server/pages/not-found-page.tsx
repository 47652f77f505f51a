import type { PageFrame } from './page-frame.ts';
import { PageLayout } from './page-layout.tsx';

/** A 404 inside the dashboard: what was not found, and where to go. */
export function NotFoundPage({ what, frame }: { what: string; frame: PageFrame }) {
  return (
    <PageLayout frame={frame} title="Not found" page="not-found">
      <h1>Not found</h1>
      <p id="not-found">{what}</p>
      <p>
        Back to <a href="/">the overview</a>, or <a href="/articles">search the articles</a>.
      </p>
    </PageLayout>
  );
}
