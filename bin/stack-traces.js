// Stack traces of the bundle name the .ts sources, as they did under tsx. Node maps traces only for files it loads
// itself, not for a vm.Script (code-cache.js), so this maps the bundle's frames through its source map, read on the
// first trace that needs it: a start never reads the map's megabytes.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';

/** Installs an `Error.prepareStackTrace` that maps the frames of `bundle` (a file path) through `${bundle}.map`. */
export function mapStackTraces(bundle) {
  let map;
  const sourceMap = () => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
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
    const entry = sourceMap()?.findEntry(line - 1, column - 1);
    if (!entry?.originalSource) return null;
    const source = isAbsolute(entry.originalSource) || entry.originalSource.startsWith('file:') ? entry.originalSource : resolve(dirname(bundle), entry.originalSource);
    return { from: `${bundle}:${line}:${column}`, to: `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}` };
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
