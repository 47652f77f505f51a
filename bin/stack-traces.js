// Stack traces of the bundle name the .ts sources, as they did under tsx. Node maps traces only for files it loads
// itself, not for a vm.Script (code-cache.js), so this maps the bundle's frames through its source map, read on the
// first trace that needs it: a start never reads the map's megabytes.
//
// Node's SourceMap class decodes every mapping at once: for this bundle's map (the dependencies included) 101 MB
// of heap and 0.6 s, paid by any process that formats one stack trace (BullMQ keeps a failed job's). This reader
// keeps the map's `mappings` text and the decoder's state at the start of each generated line (a few thousand
// numbers), and decodes a line only when a frame on it is asked for.
import { readFileSync } from 'node:fs';
import { Module } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';

const WRAP_HEAD = Module.wrap('\0').indexOf('\0');

const BASE64 = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) BASE64[c.charCodeAt(0)] = i;

/**
 * A source map read lazily, line by line. `find(line, column)` (both 0-based, in the generated file) gives the
 * original source, line and column (0-based) of the last mapping at or before that column on that line, or null.
 */
export class LineSourceMap {
  constructor(payload) {
    this.mappings = payload.mappings;
    this.sources = payload.sources;
    // Per generated line: where its text starts in `mappings`, and the source, line and column the decoder holds
    // there (those three are relative across lines; only the generated column starts again at 0).
    const starts = [0];
    const states = [0, 0, 0];
    const state = [0, 0, 0, 0, 0];
    const m = this.mappings;
    for (let i = 0; i < m.length; ) {
      if (m.charCodeAt(i) === 59 /* ; */) {
        i++;
        state[0] = 0;
        starts.push(i);
        states.push(state[1], state[2], state[3]);
        continue;
      }
      i = this.segment(i, state);
    }
    this.starts = Int32Array.from(starts);
    this.states = Int32Array.from(states);
  }

  /**
   * Decodes the segment at `i` into `state` (generated column, source, line, column, name) and `this.fields` (how
   * many it held: 1 maps a column to nothing); returns where the next one starts.
   */
  segment(i, state) {
    const m = this.mappings;
    let field = 0;
    while (i < m.length) {
      const c = m.charCodeAt(i);
      if (c === 44 /* , */) {
        i++;
        break;
      }
      if (c === 59 /* ; */) break;
      let value = 0;
      let shift = 0;
      let digit;
      do {
        digit = i < m.length ? BASE64[m.charCodeAt(i++)] : -1;
        if (digit === undefined || digit < 0) throw new Error('bad source map');
        value += (digit & 31) * 2 ** shift;
        shift += 5;
      } while (digit & 32);
      state[field++] += value % 2 ? -Math.floor(value / 2) : value / 2;
    }
    this.fields = field;
    return i;
  }

  find(line, column) {
    if (line < 0) return null;
    // As Node's findEntry: the last mapping at or before the position, on this line or, before its first, above it.
    for (let l = Math.min(line, this.starts.length - 1), col = l === line ? column : Infinity; l >= 0; l--, col = Infinity) {
      const state = [0, this.states[l * 3], this.states[l * 3 + 1], this.states[l * 3 + 2], 0];
      const m = this.mappings;
      let seen = false;
      let found = null;
      for (let i = this.starts[l]; i < m.length && m.charCodeAt(i) !== 59; ) {
        i = this.segment(i, state);
        if (state[0] > col) break;
        seen = true;
        found = this.fields >= 4 ? { source: this.sources[state[1]], line: state[2], column: state[3] } : null;
      }
      if (seen) return found;
    }
    return null;
  }
}

/** Installs an `Error.prepareStackTrace` that maps the frames of `bundle` (a file path) through `${bundle}.map`. */
export function mapStackTraces(bundle) {
  let map;
  const sourceMap = () => {
    if (map === undefined) {
      try {
        map = new LineSourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
      } catch {
        map = null;
      }
    }
    return map;
  };
  const where = (frame) => {
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (frame.getFileName() !== bundle || line == null || column == null) return null;
    // code-cache.js runs the bundle inside Module.wrap's function, whose head shares the bundle's first line.
    const entry = sourceMap()?.find(line - 1, column - 1 - (line === 1 ? WRAP_HEAD : 0));
    if (!entry?.source) return null;
    const source = isAbsolute(entry.source) || entry.source.startsWith('file:') ? entry.source : resolve(dirname(bundle), entry.source);
    return { from: `${bundle}:${line}:${column}`, to: `${source}:${entry.line + 1}:${entry.column + 1}` };
  };
  Error.prepareStackTrace = (error, frames) => {
    let header;
    try {
      header = String(error);
    } catch {
      header = 'Error';
    }
    const lines = frames.map((frame) => {
      const text = String(frame);
      let mapped = null;
      try {
        mapped = where(frame);
      } catch {
        mapped = null;
      }
      return `    at ${mapped ? text.replace(mapped.from, mapped.to) : text}`;
    });
    return [header, ...lines].join('\n');
  };
}
