import { hashString } from './token-scanner.ts';

/**
 * Folded word → word class, looked up straight from the scanner's unit buffer and hash, so matching makes no
 * string per text word. Open addressing with linear probing; class 0 means "no term uses this word".
 */
export class FormTable {
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly classes: Int32Array;
  private readonly offsets: Int32Array;
  private readonly lengths: Int32Array;
  private readonly chars: Uint16Array;
  /** Number of forms. */
  readonly size: number;

  constructor(forms: ReadonlyMap<string, number>) {
    this.size = forms.size;
    let size = 16;
    while (size < forms.size * 2) size *= 2;
    this.mask = size - 1;
    this.hashes = new Int32Array(size);
    this.classes = new Int32Array(size);
    this.offsets = new Int32Array(size);
    this.lengths = new Int32Array(size);
    let total = 0;
    for (const form of forms.keys()) total += form.length;
    this.chars = new Uint16Array(total);
    let at = 0;
    for (const [form, cls] of forms) {
      const h = hashString(form);
      let slot = h & this.mask;
      while (this.classes[slot] !== 0) slot = (slot + 1) & this.mask;
      this.hashes[slot] = h;
      this.classes[slot] = cls;
      this.offsets[slot] = at;
      this.lengths[slot] = form.length;
      for (let k = 0; k < form.length; k++) this.chars[at++] = form.charCodeAt(k);
    }
  }

  /** The class of the word made of units[from, from + len) with hash `h`, or 0. */
  lookup(units: Uint16Array, from: number, len: number, h: number): number {
    const { mask, hashes, classes, lengths, offsets, chars } = this;
    let slot = h & mask;
    for (;;) {
      const cls = classes[slot] as number;
      if (cls === 0) return 0;
      if (hashes[slot] === h && lengths[slot] === len) {
        const off = offsets[slot] as number;
        let k = 0;
        while (k < len && chars[off + k] === units[from + k]) k++;
        if (k === len) return cls;
      }
      slot = (slot + 1) & mask;
    }
  }
}
