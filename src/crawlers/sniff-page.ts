import { charsetFromContentType, encodingForLabel } from '../extract/decode-html.ts';
import { EmptyPageError } from './empty-page-error.ts';
import { NotHtmlError } from './not-html-error.ts';

/** Bytes looked at for binary content, as WHATWG's MIME sniffing does. */
const SNIFF_BYTES = 1024;

/**
 * Why a body served as HTML is not one: empty, or binary (WHATWG's binary data bytes: NUL and the other control
 * bytes that no text holds, in its first KB). UTF-16 text, declared by a byte-order mark or the header, is text.
 * Null for a body worth decoding.
 */
export function sniffPage(url: string, body: Uint8Array, contentType: string | null): Error | null {
  if (body.length === 0) return new EmptyPageError(url);
  if (isUtf16(body, contentType)) return null;
  const head = body.subarray(0, SNIFF_BYTES);
  for (const b of head) {
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) {
      return new NotHtmlError(url, contentType ?? '', `binary content (byte 0x${b.toString(16).padStart(2, '0')} in its first KB) served as ${contentType ?? 'a page'}`);
    }
  }
  return null;
}

function isUtf16(body: Uint8Array, contentType: string | null): boolean {
  if ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff)) return true;
  const declared = contentType ? charsetFromContentType(contentType) : null;
  return declared === 'utf-16le' || declared === 'utf-16be';
}

/**
 * The charset label a page declares (Content-Type header, else the first `<meta>` in its first 4 KB that names one)
 * when no browser or iconv-lite knows it; null otherwise. Such a page is still decoded, by the README's order
 * (the next declaration, then UTF-8 or windows-1252 by its bytes); this lets the caller warn about it.
 */
export function unknownCharset(body: Uint8Array, contentType: string | null): string | null {
  const header = contentType ? /;\s*charset\s*=\s*["']?([^"';\s,]+)/i.exec(contentType)?.[1] : undefined;
  if (header !== undefined) return encodingForLabel(header) ? null : header;
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 4096)).toString('latin1');
  const meta = /<meta[^>]*?charset\s*=\s*["']?([^"'\s;/>]+)/i.exec(head)?.[1];
  return meta !== undefined && !encodingForLabel(meta) ? meta : null;
}
