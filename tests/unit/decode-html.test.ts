import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromMeta, decodeHtml, encodingForLabel } from '../../src/extract/decode-html.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/latest/${name}`, import.meta.url));
const cp1252 = (text: string): Buffer => iconv.encode(text, 'windows-1252');
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

const FRENCH = 'Éditoriaux – l’amiral prend la manœuvre « au large »';

describe('decodeHtml', () => {
  it('gives the Content-Type header precedence over a conflicting meta (cp1252 header, utf-8 meta)', () => {
    const bytes = cp1252(`<html><head><meta charset="utf-8"></head><body>${FRENCH}</body></html>`);
    const out = decodeHtml(bytes, 'text/html; charset=windows-1252');
    expect(out).toMatchObject({ charset: 'windows-1252', source: 'header' });
    expect(out.html).toContain(FRENCH);
  });

  it('gives the Content-Type header precedence over a conflicting meta (utf-8 header, cp1252 meta)', () => {
    const bytes = utf8(`<html><head><meta charset="windows-1252"></head><body>${FRENCH}</body></html>`);
    const out = decodeHtml(bytes, 'text/html;charset="UTF-8"');
    expect(out).toMatchObject({ charset: 'utf-8', source: 'header' });
    expect(out.html).toContain(FRENCH);
  });

  it('maps iso-8859-1, latin1 and us-ascii header labels to windows-1252, so 0x92 is a curly apostrophe', () => {
    for (const label of ['iso-8859-1', 'ISO-8859-1', 'latin1', 'us-ascii']) {
      const out = decodeHtml(cp1252(`<p>${FRENCH}</p>`), `text/html; charset=${label}`);
      expect(out.charset).toBe('windows-1252');
      expect(out.html).toBe(`<p>${FRENCH}</p>`);
    }
  });

  it('uses a UTF-8 byte-order mark over a meta, and strips it', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(`<meta charset="windows-1252"><p>${FRENCH}</p>`)]);
    const out = decodeHtml(bytes);
    expect(out).toEqual({ html: `<meta charset="windows-1252"><p>${FRENCH}</p>`, charset: 'utf-8', source: 'bom' });
  });

  it('decodes UTF-16 little- and big-endian pages by their byte-order mark', () => {
    const html = `<p>${FRENCH}</p>`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(html, 'utf-16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(html, 'utf-16be')]);
    expect(decodeHtml(le)).toEqual({ html, charset: 'utf-16le', source: 'bom' });
    expect(decodeHtml(be)).toEqual({ html, charset: 'utf-16be', source: 'bom' });
  });

  it('reads the byte order from the BOM when the header only says utf-16', () => {
    const html = '<p>Défense</p>';
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(html, 'utf-16be')]);
    expect(decodeHtml(be, 'text/html; charset=utf-16')).toEqual({ html, charset: 'utf-16be', source: 'header' });
  });

  it('believes a BOM over a header that contradicts it, as browsers do', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(`<p>${FRENCH}</p>`)]);
    expect(decodeHtml(bytes, 'text/html; charset=ISO-8859-1')).toEqual({
      html: `<p>${FRENCH}</p>`,
      charset: 'utf-8',
      source: 'bom',
    });
  });

  it('reads the encoding of an XML declaration when there is no meta', () => {
    const page = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<html><body>${FRENCH}</body></html>`;
    const out = decodeHtml(cp1252(page));
    expect(out).toMatchObject({ charset: 'windows-1252', source: 'meta' });
    expect(out.html).toContain(FRENCH);
    const withMeta = `<?xml version="1.0" encoding="ISO-8859-1"?><html><head><meta charset="utf-8"></head><body>${FRENCH}</body></html>`;
    expect(decodeHtml(utf8(withMeta))).toMatchObject({ charset: 'utf-8', source: 'meta' });
  });

  it('strips a BOM that agrees with the header', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('<p>é</p>')]);
    expect(decodeHtml(bytes, 'text/html; charset=utf-8').html).toBe('<p>é</p>');
  });

  it('decodes the real windows-1252 fixture from its http-equiv meta alone', () => {
    const out = decodeHtml(fixture('table-layout-cp1252.html'));
    expect(out).toMatchObject({ charset: 'windows-1252', source: 'meta' });
    for (const text of ['Éditoriaux', 'L’amiral prend la manœuvre', '« Une nation est une âme »', 'Œuvres']) {
      expect(out.html).toContain(text);
    }
    expect(out.html).not.toContain('\uFFFD');
  });

  it('reads <meta charset> in its unquoted and single-quoted forms', () => {
    expect(decodeHtml(cp1252(`<meta charset=windows-1252><p>${FRENCH}`)).html).toContain(FRENCH);
    const out = decodeHtml(cp1252(`<META CHARSET='ISO-8859-1'/><p>${FRENCH}`));
    expect(out).toMatchObject({ charset: 'windows-1252', source: 'meta' });
    expect(out.html).toContain(FRENCH);
  });

  it('reads http-equiv whatever the attribute order and quoting', () => {
    const head = `<meta content='text/html; charset="iso-8859-15"' http-equiv=content-type>`;
    const out = decodeHtml(iconv.encode(`${head}<p>Prix : 10 €</p>`, 'iso-8859-15'));
    expect(out).toMatchObject({ charset: 'iso-8859-15', source: 'meta' });
    expect(out.html).toContain('10 €');
  });

  it('ignores a meta inside a comment and one after the first 4 KB', () => {
    const commented = cp1252(`<!-- <meta charset="utf-16"> --><meta charset="windows-1252"><p>${FRENCH}`);
    expect(decodeHtml(commented)).toMatchObject({ charset: 'windows-1252', source: 'meta' });
    const late = utf8(`<p>${'x'.repeat(5000)}</p><meta charset="windows-1252"><p>${FRENCH}</p>`);
    expect(decodeHtml(late)).toMatchObject({ charset: 'utf-8', source: 'default' });
  });

  it('treats a meta declaring UTF-16 as UTF-8, as WHATWG does', () => {
    const out = decodeHtml(utf8(`<meta charset="utf-16"><p>${FRENCH}</p>`));
    expect(out).toMatchObject({ charset: 'utf-8', source: 'meta' });
    expect(out.html).toContain(FRENCH);
  });

  it('defaults to utf-8 when there is no declaration and the bytes are valid UTF-8', () => {
    const out = decodeHtml(utf8(`<html><body>${FRENCH}</body></html>`));
    expect(out).toEqual({ html: `<html><body>${FRENCH}</body></html>`, charset: 'utf-8', source: 'default' });
  });

  it('keeps utf-8 when a download cut a multi-byte character at the very end', () => {
    const whole = utf8(`<p>${FRENCH}</p><p>é`);
    const out = decodeHtml(whole.subarray(0, whole.length - 1));
    expect(out.charset).toBe('utf-8');
    expect(out.html).toContain(FRENCH);
  });

  it('defaults to windows-1252 when there is no declaration and the bytes are not UTF-8', () => {
    const out = decodeHtml(cp1252(`<html><body>${FRENCH}</body></html>`));
    expect(out).toEqual({ html: `<html><body>${FRENCH}</body></html>`, charset: 'windows-1252', source: 'default' });
  });

  it('re-reads a page declared utf-8 whose bytes hold no UTF-8 at all as windows-1252', () => {
    const out = decodeHtml(cp1252(`<meta charset="utf-8"><p>${FRENCH}</p>`));
    expect(out).toMatchObject({ charset: 'windows-1252', source: 'default' });
    expect(out.html).toContain(FRENCH);
  });

  it('reads a UTF-8 page as UTF-8 when the header or meta claims a single-byte charset', () => {
    const page = `<html><head><meta charset="iso-8859-1"></head><body>${FRENCH}</body></html>`;
    expect(decodeHtml(utf8(page), 'text/html; charset=iso-8859-1')).toEqual({ html: page, charset: 'utf-8', source: 'default' });
    expect(decodeHtml(utf8(page))).toEqual({ html: page, charset: 'utf-8', source: 'default' });
    const ascii = '<meta charset="windows-1252"><p>Plain text</p>';
    expect(decodeHtml(utf8(ascii))).toEqual({ html: ascii, charset: 'windows-1252', source: 'meta' });
  });

  it('keeps utf-8 for a UTF-8 page with one stray byte, rather than garbling every accent', () => {
    const bytes = Buffer.concat([utf8(`<p>${FRENCH}</p>`), Buffer.from([0xe9]), utf8('<p>fin</p>')]);
    const out = decodeHtml(bytes);
    expect(out.charset).toBe('utf-8');
    expect(out.html).toContain(FRENCH);
  });

  it('reads a windows-1252 page holding a short pasted UTF-8 snippet as windows-1252', () => {
    const bytes = Buffer.concat([cp1252(`<p>${FRENCH}</p><p>Élysée, défilé, sécurité</p>`), utf8('<p>café</p>')]);
    const out = decodeHtml(bytes);
    expect(out).toMatchObject({ charset: 'windows-1252', source: 'default' });
    expect(out.html).toContain(FRENCH);
  });

  it('skips unknown labels in the header and the meta instead of throwing', () => {
    const bytes = cp1252(`<meta charset="x-klingon"><meta charset="windows-1252"><p>${FRENCH}</p>`);
    const out = decodeHtml(bytes, 'text/html; charset=bogus-42');
    expect(out).toMatchObject({ charset: 'windows-1252', source: 'meta' });
    expect(out.html).toContain(FRENCH);
    expect(decodeHtml(utf8(`<meta charset="nope"><p>${FRENCH}</p>`), 'text/html; charset=')).toMatchObject({
      charset: 'utf-8',
      source: 'default',
    });
  });

  it('never reads a page as UTF-7 or base64, whatever it declares', () => {
    const page = '<meta charset="utf-7"><p>+ADw-script+AD4-</p>';
    expect(decodeHtml(utf8(page))).toEqual({ html: page, charset: 'utf-8', source: 'default' });
    expect(decodeHtml(utf8('<p>QUJD</p>'), 'text/html; charset=base64').html).toBe('<p>QUJD</p>');
  });

  it('accepts a Uint8Array view that does not start at the beginning of its buffer', () => {
    const backing = new Uint8Array([0x41, 0x41, ...cp1252(`<p>${FRENCH}</p>`)]);
    expect(decodeHtml(backing.subarray(2), 'text/html; charset=windows-1252').html).toBe(`<p>${FRENCH}</p>`);
  });

  it('handles an empty body', () => {
    expect(decodeHtml(new Uint8Array())).toEqual({ html: '', charset: 'utf-8', source: 'default' });
  });
});

describe('encodingForLabel and charsetFromMeta', () => {
  it('maps WHATWG labels and rejects unknown ones', () => {
    expect(encodingForLabel(' Latin1 ')).toBe('windows-1252');
    expect(encodingForLabel('"utf8"')).toBe('utf-8');
    expect(encodingForLabel('gb2312')).toBe('gb18030');
    expect(encodingForLabel('iso-8859-2')).toBe('iso-8859-2');
    expect(encodingForLabel('x-klingon')).toBeNull();
    for (const unsafe of ['utf-7', 'UTF7', 'base64', 'hex', 'binary']) expect(encodingForLabel(unsafe), unsafe).toBeNull();
    expect(encodingForLabel('')).toBeNull();
  });

  it('finds no charset in a page without a declaration', () => {
    expect(charsetFromMeta(utf8('<html><head><meta name="viewport" content="width=device-width"></head>'))).toBeNull();
  });
});
