import { deflateRawSync } from 'node:zlib';

/**
 * Files an attacker (or an unlucky teacher) could hand to `/bank import`, generated rather than
 * stored: each once stalled the bot, crashed the importer or ate gigabytes. Shared by
 * test/import/hostile-files.test.ts, the Discord e2e test and `npm run bench` (scenario hostile).
 */
export interface HostileFile {
  name: string;
  /** What it used to do. */
  attack: string;
  content: Buffer;
  /** Whether a correct importer accepts it (it is a valid file) or refuses it. */
  expect: 'imported' | 'refused';
  /** Part of the message a refusal must carry (besides the file name). */
  because?: RegExp;
}

interface ZipEntry {
  name: string;
  data: Buffer;
  /** 8 = deflate, 0 = stored. */
  method: 0 | 8;
  /** What the central directory claims the entry expands to. */
  declaredSize: number;
}

/** A minimal ZIP writer: enough to state sizes that lie. CRCs are left 0 (the size checks come first). */
export function buildZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.declaredSize >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.declaredSize >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    directory.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directoryBytes, end]);
}

const CONTENT_TYPES = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
);

function moodle(prolog: string, text: string): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n${prolog}<quiz>\n<question type="truefalse">\n<name><text>q</text></name>\n<questiontext format="html"><text>${text}</text></questiontext>\n<answer fraction="100"><text>true</text></answer>\n<answer fraction="0"><text>false</text></answer>\n</question>\n</quiz>\n`,
  );
}

const PAPER = '一、选择题\n1. 哪个是主键？\nA. 外键 B. 主键\n2. 哪个是索引？\nA. 索引 B. 视图\n';

export function hostileFiles(): HostileFile[] {
  const thirtyKeys = Array.from({ length: 30 }, (_, i) => `${i + 1}.${'ABCD'[i % 4]}`).join(' ');
  const thirtyQuestions = Array.from({ length: 30 }, (_, i) => `${i + 1}. 第${i + 1}题？\nA. 甲 B. 乙 C. 丙 D. 丁\n`).join('');
  const laughs = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)].join('\n');
  const csvRows = Array.from({ length: 130_000 }, (_, i) => `${i + 1},第${i + 1}题：哪个选项正确？,甲,乙,丙,丁,${'ABCD'[i % 4]}`).join('\n');
  return [
    {
      name: 'answer-key-line.txt',
      attack: 'a 30-entry key line with a points note: exponential backtracking (>120 s)',
      content: Buffer.from(`一、选择题\n${thirtyQuestions}参考答案\n${thirtyKeys} （每题2分）\n`),
      expect: 'imported',
    },
    {
      name: 'blank-lines.txt',
      attack: '200,000 blank lines: the paper-number pattern rescanned them from every line',
      content: Buffer.from(`${PAPER}${'\n'.repeat(200_000)}参考答案\n1.B 2.A\n`),
      expect: 'imported',
    },
    {
      name: 'equals.gift',
      attack: '{ followed by 100,000 =: the GIFT block pattern',
      content: Buffer.from(`::q:: Which? {${'='.repeat(100_000)}\n`),
      expect: 'refused',
      because: /never closed/,
    },
    {
      name: 'external-entity.xml',
      attack: 'Moodle XML with an external entity: an uncaught exception',
      content: moodle('<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', 'Is &xxe; true?'),
      expect: 'refused',
      because: /line 2: .*entity declarations/,
    },
    {
      name: 'parameter-entity.xml',
      attack: 'Moodle XML with a parameter entity: an uncaught exception',
      content: moodle('<!DOCTYPE quiz [<!ENTITY % p "x"> <!ENTITY e "y">]>\n', 'Is &e; true?'),
      expect: 'refused',
      because: /entity declarations/,
    },
    {
      name: 'billion-laughs.xml',
      attack: 'Moodle XML with 10 levels of 10 nested entities: an uncaught exception',
      content: moodle(`<!DOCTYPE quiz [\n${laughs}\n]>\n`, 'Is &lol9; true?'),
      expect: 'refused',
      because: /entity declarations/,
    },
    {
      name: 'char-reference.xml',
      attack: 'Moodle XML with &#x110000;: an uncaught RangeError',
      content: moodle('', 'Is &#x110000; true?'),
      expect: 'refused',
      because: /line 5: .*&#x110000; names no Unicode character/,
    },
    {
      name: 'char-reference.gift',
      attack: 'GIFT [html] with &#x110000;: an uncaught RangeError',
      content: Buffer.from('::q:: [html]Is &#x110000; a character? {T}\n'),
      expect: 'imported',
    },
    {
      name: 'rows-130k.csv',
      attack: '130,000 rows: problems.push(...validateBank()) overflowed the stack',
      content: Buffer.from(`id,question,A,B,C,D,answer\n${csvRows}\n`),
      expect: 'refused',
      because: /130,000 rows is more than the 20,000 questions one bank may hold: split the file/,
    },
    {
      name: 'declared-bomb.docx',
      attack: 'a .docx whose directory claims 2 GB: mammoth inflated it (4 GB of memory)',
      content: buildZip([
        { name: '[Content_Types].xml', data: CONTENT_TYPES, method: 0, declaredSize: CONTENT_TYPES.length },
        { name: 'word/document.xml', data: deflateRawSync(Buffer.alloc(1024 * 1024)), method: 8, declaredSize: 2 * 1024 * 1024 * 1024 - 1 },
      ]),
      expect: 'refused',
      because: /would expand to more than 50 MiB \(entry word\/document\.xml alone claims 2 GiB\)/,
    },
    {
      name: 'lying-bomb.docx',
      attack: 'a 64 KB .docx that claims 1 KB and inflates to 64 MB',
      content: buildZip([
        { name: '[Content_Types].xml', data: CONTENT_TYPES, method: 0, declaredSize: CONTENT_TYPES.length },
        { name: 'word/document.xml', data: deflateRawSync(Buffer.alloc(64 * 1024 * 1024)), method: 8, declaredSize: 1024 },
      ]),
      expect: 'refused',
      because: /inflates to more than the 1024 bytes its directory claims/,
    },
  ];
}
