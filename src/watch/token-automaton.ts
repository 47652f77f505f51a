/**
 * Aho-Corasick over word classes instead of characters: every alias spelling of every watchlist is one path of
 * word classes, so one pass over a text's words finds all of them. Words no term uses (class 0) send the walk back
 * to the root without a lookup.
 */
export class TokenAutomaton {
  private readonly edges = new Map<number, number>();
  private readonly width: number;
  private readonly fail: Int32Array;
  /** Nearest state down the failure chain (itself excluded) that ends a pattern, or 0. */
  readonly dict: Int32Array;
  /** Patterns ending at each state: ids in `outIds[outStart[s], outStart[s + 1])`. */
  readonly outStart: Int32Array;
  readonly outIds: Int32Array;

  /** `patterns[i]` is a sequence of word classes (each >= 1, < width); pattern ids are the indexes. */
  constructor(patterns: ReadonlyArray<readonly number[]>, width: number) {
    this.width = width;
    const children: number[][] = [[]];
    const ends: number[][] = [[]];
    for (let p = 0; p < patterns.length; p++) {
      let s = 0;
      for (const c of patterns[p] as readonly number[]) {
        const key = s * width + c;
        let next = this.edges.get(key);
        if (next === undefined) {
          next = children.length;
          this.edges.set(key, next);
          (children[s] as number[]).push(c, next);
          children.push([]);
          ends.push([]);
        }
        s = next;
      }
      (ends[s] as number[]).push(p);
    }
    const states = children.length;
    this.fail = new Int32Array(states);
    this.dict = new Int32Array(states);
    // Breadth first, so every state's failure target is complete before its children need it.
    const queue: number[] = [0];
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q] as number;
      const kids = children[u] as number[];
      for (let k = 0; k < kids.length; k += 2) {
        const c = kids[k] as number;
        const v = kids[k + 1] as number;
        if (u !== 0) {
          let f = this.fail[u] as number;
          let target = this.edges.get(f * width + c);
          while (target === undefined && f !== 0) {
            f = this.fail[f] as number;
            target = this.edges.get(f * width + c);
          }
          const t = target ?? 0;
          this.fail[v] = t;
          this.dict[v] = (ends[t] as number[]).length > 0 ? t : (this.dict[t] as number);
        }
        queue.push(v);
      }
    }
    this.outStart = new Int32Array(states + 1);
    for (let s = 0; s < states; s++) this.outStart[s + 1] = (this.outStart[s] as number) + (ends[s] as number[]).length;
    this.outIds = new Int32Array(this.outStart[states] as number);
    for (let s = 0; s < states; s++) this.outIds.set(ends[s] as number[], this.outStart[s] as number);
  }

  get states(): number {
    return this.fail.length;
  }

  step(state: number, cls: number): number {
    for (;;) {
      const next = this.edges.get(state * this.width + cls);
      if (next !== undefined) return next;
      if (state === 0) return 0;
      state = this.fail[state] as number;
    }
  }
}
