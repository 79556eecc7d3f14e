import mammoth from 'mammoth';

/**
 * The text of a .docx, one paragraph per line, as the paper parser reads it. mammoth ends every
 * paragraph with a blank line; folding each pair of newlines back to one keeps line N = paragraph N.
 */
export async function extractDocxText(content: Uint8Array): Promise<string> {
  const { value } = await mammoth.extractRawText({ buffer: Buffer.from(content) });
  return value.replace(/\r\n?/g, '\n').replace(/\n\n/g, '\n');
}
