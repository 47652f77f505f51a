// A worker thread of list-reader.ts: reads the lists it is sent, one at a time, and answers each.
import { parentPort } from 'node:worker_threads';
import { htmlText, type SniffedHtml } from '../extract/decode-html.ts';
import { LatestSelectorError, readLatestList, type LatestListOptions } from './latest-list.ts';

export interface ListTask {
  id: number;
  /** The page's text, or its bytes to decode here. */
  page: string | SniffedHtml;
  options: LatestListOptions;
}

export type ListAnswer =
  | { id: number; list: ReturnType<typeof readLatestList> }
  | { id: number; error: { selector: boolean; message: string } };

parentPort!.on('message', ({ id, page, options }: ListTask) => {
  let answer: ListAnswer;
  try {
    answer = { id, list: readLatestList(htmlText(page), options) };
  } catch (err) {
    answer = { id, error: { selector: err instanceof LatestSelectorError, message: (err as Error).message } };
  }
  parentPort!.postMessage(answer);
});
