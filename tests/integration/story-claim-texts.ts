/** Deterministic texts for the story-claim tests: distinct stories per seed, near copies per variant. */
import { rng } from '../../bench/seeded-random.ts';

const VOCABULARY = (
  'navy army air force brigade frigate destroyer submarine corvette minehunter radar sonar missile drone ' +
  'contract procurement budget ministry parliament exercise deployment convoy logistics ammunition shell ' +
  'artillery howitzer tank vehicle helicopter fighter tanker satellite launch cyber intelligence patrol ' +
  'border coast harbour port base training soldiers sailors crews officers general admiral commander ' +
  'battalion regiment squadron fleet alliance nato europe pacific baltic mediterranean arctic gulf ' +
  'delivery production factory industry upgrade programme prototype trial test evaluation certification ' +
  'maintenance repair shipyard hull engine sensor laser counter threat attack defence security mission ' +
  'operation command headquarters strategy report review funding order batch tranche schedule delay'
).split(' ');

/** A random 8-sentence article on the shared defense vocabulary: articles with different seeds are distinct. */
export function storyText(seed: number): { title: string; sentences: string[] } {
  const next = rng(seed * 7919 + 17);
  const word = (): string => VOCABULARY[Math.floor(next() * VOCABULARY.length)] as string;
  const sentences: string[] = [];
  for (let i = 0; i < 8; i++) {
    const words = Array.from({ length: 12 + Math.floor(next() * 8) }, word);
    words[0] = (words[0] as string).replace(/^./, (c) => c.toUpperCase());
    sentences.push(`${words.join(' ')}.`);
  }
  return { title: Array.from({ length: 7 }, word).join(' '), sentences };
}

/** Round `round` of the concurrency test: worker 0 gets the original, worker 1 a syndicated near copy. */
export function roundText(round: number, worker: number): { title: string; text: string } {
  const { title, sentences } = storyText(round);
  if (worker === 0) return { title, text: sentences.join(' ') };
  const [first = '', ...rest] = sentences;
  return {
    title: title.toUpperCase(),
    text: [`Officials said on Tuesday that ${first.toLowerCase()}`, ...rest, 'Source: Ministry of Defence.'].join(' '),
  };
}
