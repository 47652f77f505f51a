// A worker thread of list-reader.ts: reads the lists it is sent, one at a time, and answers each.
import { parentPort } from 'node:worker_threads';
import { LatestSelectorError, readLatestList, type LatestListOptions } from './latest-list.ts';

export interface ListTask {
  id: number;
  html: string;
  options: LatestListOptions;
}

export type ListAnswer =
  | { id: number; list: ReturnType<typeof readLatestList> }
  | { id: number; error: { selector: boolean; message: string } };

parentPort!.on('message', ({ id, html, options }: ListTask) => {
  let answer: ListAnswer;
  try {
    answer = { id, list: readLatestList(html, options) };
  } catch (err) {
    answer = { id, error: { selector: err instanceof LatestSelectorError, message: (err as Error).message } };
  }
  parentPort!.postMessage(answer);
});
