import { h, type FunctionComponent } from 'preact';
import { renderToString } from 'preact-render-to-string';

/**
 * A page of the dashboard as HTML. The pages are Preact components rendered to a string on the server: every text
 * and attribute value is escaped by the renderer, so a stranger's title cannot become markup. No page is hydrated;
 * the browser gets plain HTML, and live.js only adds rows.
 */
export function dashboardPage<P>(Page: FunctionComponent<P>, props: P): string {
  return `<!doctype html>${renderToString(h(Page as FunctionComponent<object>, props as object))}`;
}
