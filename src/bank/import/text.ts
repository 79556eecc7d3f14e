import { createHash } from 'node:crypto';

/** Decodes bytes as UTF-8 text, or says in plain words why they are not text. */
export function decodeText(content: Uint8Array): { ok: true; text: string } | { ok: false; reason: string } {
  if (content.length >= 2 && ((content[0] === 0xff && content[1] === 0xfe) || (content[0] === 0xfe && content[1] === 0xff))) {
    return { ok: false, reason: 'the file is UTF-16 text; save it as UTF-8 and import again' };
  }
  const nul = content.indexOf(0);
  if (nul !== -1) return { ok: false, reason: `the file is not text: it contains a NUL byte at offset ${nul}` };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    return { ok: true, text: text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n') };
  } catch {
    return { ok: false, reason: 'the file is not valid UTF-8 text (a GBK/GB2312 file? save it as UTF-8 and import again)' };
  }
}

export function isZip(content: Uint8Array): boolean {
  return content.length >= 4 && content[0] === 0x50 && content[1] === 0x4b && content[2] === 0x03 && content[3] === 0x04;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/g;

/** zh-CN when a noticeable share of the letters are Chinese characters, else en-US. */
export function guessLanguage(sample: string): string {
  const text = sample.slice(0, 20_000);
  const cjk = text.match(CJK)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  return cjk > 0 && cjk * 3 >= latin * 0.2 ? 'zh-CN' : 'en-US';
}

/** An ASCII bank id from a file name or title; falls back to `<prefix>-<hash8>` (e.g. for Chinese titles). */
export function slugifyBankId(name: string, prefix: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/, '');
  if (/[a-z]/.test(slug) && slug.length >= 3) return slug;
  return `${prefix}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** HTML from Moodle or GIFT `[html]` into plain text: block tags become line breaks, images their alt text. */
export function htmlToText(html: string): string {
  const text = html
    // `[^<>]` rather than `[^>]`: an unclosed `<` must not make every later `<` rescan to the end.
    .replace(/<img\b[^<>]*\balt="([^"<>]*)"[^<>]*>/gi, (_m, alt: string) => (alt ? `[${alt}]` : ''))
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|tr)>/gi, '\n')
    .replace(/<[^<>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, entity: string) => {
      if (entity.startsWith('#')) {
        const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
        // `&#x110000;` and beyond name no character: kept as written rather than thrown on.
        return code <= 0x10ffff ? String.fromCodePoint(code) : match;
      }
      return ENTITIES[entity.toLowerCase()] ?? match;
    });
  return trimLineBlanks(text, 'end').replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * Drops spaces and tabs at the end (and, unless `end`, the start) of every line. A loop, because
 * `/[ \t]+\n/g` retries from every blank of a long run that no newline ends: quadratic time.
 */
export function trimLineBlanks(text: string, sides: 'both' | 'end' = 'both'): string {
  const isBlank = (code: number) => code === 0x20 || code === 0x09;
  return text
    .split('\n')
    .map((line) => {
      let end = line.length;
      while (end > 0 && isBlank(line.charCodeAt(end - 1))) end -= 1;
      let start = 0;
      if (sides === 'both') while (start < end && isBlank(line.charCodeAt(start))) start += 1;
      return start === 0 && end === line.length ? line : line.slice(start, end);
    })
    .join('\n');
}

/** A single-line excerpt of at most `max` characters. */
export function excerptOf(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Line number (1-based) of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  return line;
}

/** Half-width form of full-width ASCII letters, digits and punctuation (NFKC), for matching structure only. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * Kangxi radicals and CJK compatibility ideographs (⼆ U+2F06 for 二, as in CMMLU) folded to the usual
 * characters. Only those ranges: NFKC on the whole text would also turn Chinese punctuation half-width.
 */
export function foldCompatibilityIdeographs(text: string): string {
  if (!/[\u2e80-\u2fdf\uf900-\ufaff]/.test(text)) return text;
  return text.replace(/[\u2e80-\u2fdf\uf900-\ufaff]/g, (ch) => ch.normalize('NFKC'));
}
