import { inflateRawSync } from 'node:zlib';
import mammoth from 'mammoth';
import { formatBytes } from '../../messages/format.ts';

/**
 * What a .docx may expand to, all entries together: a 200-page paper's XML is a few megabytes, so 50 MB
 * leaves room for pictures while a zip bomb (a few hundred KB that inflate to gigabytes) is refused
 * before anything is inflated.
 */
export const MAX_DOCX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;
const MAX_DOCX_ENTRIES = 10_000;

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/**
 * Reads the ZIP central directory and refuses, in plain words, a file whose entries claim more than
 * the limit, or whose deflated entries really inflate to more than they claim (the directory is
 * written by whoever made the file). Returns undefined when the container is acceptable.
 */
export function checkDocxContainer(content: Uint8Array): string | undefined {
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  let end = -1;
  // The end record sits in the last 22 bytes plus at most a 65,535-byte comment.
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at -= 1) {
    if (bytes.readUInt32LE(at) === END_OF_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end === -1) return 'no ZIP central directory (the file is cut short or not a .docx)';
  const count = bytes.readUInt16LE(end + 10);
  const directoryAt = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || directoryAt === 0xffffffff) return 'a ZIP64 container, which Word documents never need';
  if (count > MAX_DOCX_ENTRIES) return `${count} entries in the ZIP container (at most ${MAX_DOCX_ENTRIES})`;
  const limit = formatBytes(MAX_DOCX_UNCOMPRESSED_BYTES);
  let total = 0;
  let at = directoryAt;
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== DIRECTORY_ENTRY) return 'a damaged ZIP central directory';
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const declared = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const name = bytes.toString('utf8', at + 46, Math.min(bytes.length, at + 46 + nameLength));
    const local = bytes.readUInt32LE(at + 42);
    if (declared === 0xffffffff || compressed === 0xffffffff) return `entry ${name} uses ZIP64 sizes, which Word documents never need`;
    total += declared;
    if (total > MAX_DOCX_UNCOMPRESSED_BYTES) return `it would expand to more than ${limit} (entry ${name} alone claims ${formatBytes(declared)})`;
    if (method === 8) {
      if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== LOCAL_HEADER) return `a damaged ZIP entry (${name})`;
      const dataAt = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      try {
        // Inflating stops one byte past the claim: an entry that lies about its size is refused here.
        const real = inflateRawSync(bytes.subarray(dataAt, dataAt + compressed), { maxOutputLength: Math.max(1, declared) });
        if (real.length !== declared) return `entry ${name} inflates to ${real.length} bytes, not the ${declared} its directory claims`;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') return `entry ${name} inflates to more than the ${declared} bytes its directory claims (a zip bomb)`;
        return `entry ${name} is damaged (${error instanceof Error ? error.message : String(error)})`;
      }
    } else if (method !== 0) {
      return `entry ${name} uses ZIP compression method ${method}, which Word documents never use`;
    }
    at = next;
  }
  return undefined;
}

/**
 * The text of a .docx, one paragraph per line, as the paper parser reads it. mammoth ends every
 * paragraph with a blank line; folding each pair of newlines back to one keeps line N = paragraph N.
 */
export async function extractDocxText(content: Uint8Array): Promise<string> {
  const refused = checkDocxContainer(content);
  if (refused) throw new Error(refused);
  const { value } = await mammoth.extractRawText({ buffer: Buffer.from(content) });
  return value.replace(/\r\n?/g, '\n').replace(/\n\n/g, '\n');
}
