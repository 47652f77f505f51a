import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export type CharsetSource = 'header' | 'bom' | 'meta' | 'default';

export interface DecodedHtml {
  html: string;
  /** The encoding actually used, as a canonical lower-case name such as `utf-8` or `windows-1252`. */
  charset: string;
  /** Where that encoding came from. `default` also covers a declaration that the bytes disprove. */
  source: CharsetSource;
}

/** How far into the page a `<meta charset>` is looked for. */
const META_SNIFF_BYTES = 4096;

// WHATWG label groups that matter on the web; anything else is looked up in iconv-lite as is.
const LABEL_GROUPS: Record<string, readonly string[]> = {
  'utf-8': ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8'],
  'windows-1252': [
    'windows-1252', 'ansi_x3.4-1968', 'ascii', 'cp1252', 'cp819', 'csisolatin1', 'ibm819', 'iso-8859-1',
    'iso-ir-100', 'iso8859-1', 'iso88591', 'iso_8859-1', 'iso_8859-1:1987', 'l1', 'latin1', 'us-ascii',
    'x-cp1252',
  ],
  'windows-1254': [
    'windows-1254', 'cp1254', 'csisolatin5', 'iso-8859-9', 'iso-ir-148', 'iso8859-9', 'iso88599',
    'iso_8859-9', 'iso_8859-9:1989', 'l5', 'latin5', 'x-cp1254',
  ],
  'windows-874': ['windows-874', 'dos-874', 'iso-8859-11', 'iso8859-11', 'iso885911', 'tis-620'],
  'iso-8859-15': ['iso-8859-15', 'csisolatin9', 'iso8859-15', 'iso885915', 'iso_8859-15', 'l9', 'latin9'],
  'utf-16le': ['utf-16le', 'utf-16', 'csunicode', 'iso-10646-ucs-2', 'ucs-2', 'unicode', 'unicodefeff'],
  'utf-16be': ['utf-16be', 'unicodefffe'],
  gb18030: ['gb18030', 'gbk', 'gb2312', 'chinese', 'csgb2312', 'csiso58gb231280', 'gb_2312', 'gb_2312-80',
    'iso-ir-58', 'x-gbk'],
  shift_jis: ['shift_jis', 'csshiftjis', 'ms932', 'ms_kanji', 'shift-jis', 'sjis', 'windows-31j', 'x-sjis'],
  'euc-kr': ['euc-kr', 'cseuckr', 'csksc56011987', 'iso-ir-149', 'korean', 'ks_c_5601-1987', 'ks_c_5601-1989',
    'ksc5601', 'ksc_5601', 'windows-949'],
  big5: ['big5', 'big5-hkscs', 'cn-big5', 'csbig5', 'x-x-big5'],
};

const LABELS = new Map<string, string>();
for (const [name, labels] of Object.entries(LABEL_GROUPS)) for (const label of labels) LABELS.set(label, name);
// A page cannot be declared x-user-defined usefully; browsers then read it much like windows-1252.
LABELS.set('x-user-defined', 'windows-1252');

/**
 * Labels iconv-lite (or Node) accepts that no browser does: UTF-7 can smuggle markup past filters, and base64,
 * hex or binary would read a page as something it is not.
 */
const UNSAFE_LABEL = /^(utf-?7(-imap)?|base64|hex|binary|utf-?32(le|be)?|ucs-?4|cesu-?8)$/;

/**
 * The canonical encoding name for a charset label, or null when neither WHATWG's table nor iconv-lite knows it.
 * Exported so callers can validate a configured charset the same way.
 */
export function encodingForLabel(label: string): string | null {
  const key = label.trim().replace(/^["']|["']$/g, '').trim().toLowerCase();
  if (!key) return null;
  const mapped = LABELS.get(key);
  if (mapped) return mapped;
  return !UNSAFE_LABEL.test(key) && iconv.encodingExists(key) ? key : null;
}

/**
 * A page's bytes with the encoding sniffHtml chose, not yet decoded: what a reader on another thread is sent (it
 * decodes them there with decodeSniffed), so that the thread that fetches does not spend its time in decoding.
 */
export interface SniffedHtml {
  bytes: Uint8Array;
  /** The encoding to decode with, as a canonical lower-case name such as `utf-8` or `windows-1252`. */
  charset: string;
  /** Where that encoding came from. `default` also covers a declaration that the bytes disprove. */
  source: CharsetSource;
  /** Bytes of a byte-order mark to skip. */
  skip: number;
}

/**
 * Decodes an HTML page's bytes: charset in the Content-Type header, then a byte-order mark, then a
 * `<meta charset>` / `<meta http-equiv=content-type>` in the first 4 KB (or an XML declaration at the very
 * start), then UTF-8 when the bytes are UTF-8 and windows-1252 when they are not. A BOM that contradicts the
 * header wins, as in browsers: such a header is a server default, and believing it garbles every accent.
 * Unknown labels are skipped, so this never throws.
 */
export function decodeHtml(bytes: Uint8Array, contentType?: string | null): DecodedHtml {
  const sniffed = sniffHtml(bytes, contentType);
  return { html: decodeSniffed(sniffed), charset: sniffed.charset, source: sniffed.source };
}

/** decodeHtml's choice of encoding, without the decoding (see SniffedHtml). */
export function sniffHtml(bytes: Uint8Array, contentType?: string | null): SniffedHtml {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = sniffBom(buf);

  const fromHeader = contentType ? charsetFromContentType(contentType) : null;
  if (fromHeader) {
    // A generic "utf-16" says nothing about byte order; the BOM does.
    const charset = fromHeader === 'utf-16le' && bom?.charset === 'utf-16be' ? 'utf-16be' : fromHeader;
    if (!bom || bom.charset === charset) return sniffDeclared(bytes, charset, 'header', bom);
  }
  if (bom) return { bytes, charset: bom.charset, source: 'bom', skip: bom.length };

  const fromMeta = charsetFromMeta(buf) ?? charsetFromXmlDeclaration(buf);
  if (fromMeta) return sniffDeclared(bytes, fromMeta, 'meta', null);

  return { bytes, charset: utf8Evidence(buf) === 'legacy' ? 'windows-1252' : 'utf-8', source: 'default', skip: 0 };
}

/** The text of sniffed bytes. */
export function decodeSniffed(sniffed: SniffedHtml): string {
  const { bytes, skip, charset } = sniffed;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset + skip, bytes.byteLength - skip);
  // Valid UTF-8 has one decoding, and Node's own is several times faster than iconv-lite's (a StringDecoder).
  const text = charset === 'utf-8' && isUtf8(buf) ? buf.toString('utf8') : iconv.decode(buf, charset, { stripBOM: false });
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The text of a page given as text, or as sniffed bytes (decoded here). */
export function htmlText(page: string | SniffedHtml): string {
  return typeof page === 'string' ? page : decodeSniffed(page);
}

function sniffDeclared(bytes: Uint8Array, charset: string, source: CharsetSource, bom: Bom | null): SniffedHtml {
  const skip = bom && bom.charset === charset ? bom.length : 0;
  const body = bytes.subarray(skip);
  // Legacy pages often keep a utf-8 template declaration over latin-1 text; believing it would turn
  // "Éditoriaux" into "�ditoriaux". Bytes that are mostly valid UTF-8 keep the declaration.
  if (charset === 'utf-8' && utf8Evidence(body) === 'legacy') return { bytes, charset: 'windows-1252', source: 'default', skip };
  // The reverse mistake (a server default of iso-8859-1 over a UTF-8 page) would give "Ã‰ditoriaux". Text in a
  // single-byte charset is almost never valid UTF-8 once it holds non-ASCII bytes, so valid UTF-8 wins.
  if (SINGLE_BYTE.test(charset) && hasHighBytes(body) && utf8Evidence(body) === 'utf-8') return { bytes, charset: 'utf-8', source: 'default', skip };
  return { bytes, charset, source, skip };
}

const SINGLE_BYTE = /^(windows-125\d|windows-874|iso-8859-\d+|koi8-[ru]|macintosh|ibm866|cp\d+)$/;

function hasHighBytes(buf: Uint8Array): boolean {
  for (const b of buf) if (b >= 0x80) return true;
  return false;
}

interface Bom {
  charset: 'utf-8' | 'utf-16le' | 'utf-16be';
  length: number;
}

function sniffBom(buf: Buffer): Bom | null {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  return null;
}

/** The charset parameter of a Content-Type value, mapped to an encoding; null when absent or unknown. */
export function charsetFromContentType(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*("([^"]*)"|'([^']*)'|[^\s;,]+)/i.exec(contentType);
  if (!match) return null;
  return encodingForLabel(match[2] ?? match[3] ?? match[1] ?? '');
}

/**
 * The encoding declared by the first usable `<meta>` in the page's first 4 KB, per WHATWG's prescan:
 * comments are skipped, a label nobody knows moves on to the next meta, and a UTF-16 declaration
 * (impossible in bytes we could read as ASCII) means UTF-8.
 */
export function charsetFromMeta(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, META_SNIFF_BYTES))
    .toString('latin1')
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  for (const tag of head.matchAll(/<meta(?=[\s/])([^>]*)>?/gi)) {
    const attrs = parseAttributes(tag[1] ?? '');
    let label = attrs.get('charset');
    if (label === undefined && attrs.get('http-equiv')?.trim().toLowerCase() === 'content-type') {
      label = charsetInContent(attrs.get('content') ?? '') ?? undefined;
    }
    if (label === undefined) continue;
    const charset = encodingForLabel(label);
    if (!charset) continue;
    return charset === 'utf-16le' || charset === 'utf-16be' ? 'utf-8' : charset;
  }
  return null;
}

/** The encoding of an `<?xml … encoding="…"?>` declaration opening the page (XHTML served without a charset). */
export function charsetFromXmlDeclaration(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200)).toString('latin1');
  const m = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  const charset = m?.[1] ? encodingForLabel(m[1]) : null;
  return charset === 'utf-16le' || charset === 'utf-16be' ? 'utf-8' : charset;
}

function parseAttributes(source: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of source.matchAll(/([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>]*)))?/g)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!attrs.has(name)) attrs.set(name, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

function charsetInContent(content: string): string | null {
  const m = /charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i.exec(content);
  return m ? (m[1] ?? m[2] ?? m[3] ?? null) : null;
}

/**
 * Whether bytes read as UTF-8: `utf-8` when they are valid (ignoring a sequence cut at the very end, as in a
 * truncated download); else whichever garbles less: `mostly-utf-8` when well-formed multi-byte sequences
 * outnumber invalid bytes (a UTF-8 page with a stray byte), `legacy` otherwise (a windows-1252 page, perhaps
 * with a pasted UTF-8 snippet).
 */
export function utf8Evidence(buf: Uint8Array): 'utf-8' | 'legacy' | 'mostly-utf-8' {
  if (isUtf8(buf)) return 'utf-8';
  let valid = 0;
  let invalid = 0;
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) {
      invalid++;
      i++;
      continue;
    }
    if (i + len > n && continuationsUpTo(buf, i + 1, n)) break;
    if (isWellFormed(buf, i, len)) {
      valid++;
      i += len;
    } else {
      invalid++;
      i++;
    }
  }
  if (invalid === 0) return 'utf-8';
  return valid > invalid ? 'mostly-utf-8' : 'legacy';
}

function continuationsUpTo(buf: Uint8Array, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (((buf[j] as number) & 0xc0) !== 0x80) return false;
  return true;
}

function isWellFormed(buf: Uint8Array, i: number, len: number): boolean {
  if (i + len > buf.length) return false;
  const b0 = buf[i] as number;
  const b1 = buf[i + 1] as number;
  // Second-byte ranges exclude overlongs, surrogates and code points above U+10FFFF.
  const lo = b0 === 0xe0 ? 0xa0 : b0 === 0xf0 ? 0x90 : 0x80;
  const hi = b0 === 0xed ? 0x9f : b0 === 0xf4 ? 0x8f : 0xbf;
  if (b1 < lo || b1 > hi) return false;
  for (let j = 2; j < len; j++) if (((buf[i + j] as number) & 0xc0) !== 0x80) return false;
  return true;
}
