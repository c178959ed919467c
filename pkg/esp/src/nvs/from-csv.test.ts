import { pbkdf2Sync } from 'node:crypto';
import { parseNvsCsv } from './csv';
import { NvsInputError } from './errors';
import { buildNvsImageFromCsv } from './from-csv';
import { parseNvsImage } from './reader';

const HEADER = 'key,type,encoding,value\n';
const build = (body: string, files: Record<string, Uint8Array> = {}): Uint8Array =>
  buildNvsImageFromCsv(HEADER + body, { size: 0x6000, readFile: (path) => files[path] ?? (() => { throw new Error('ENOENT'); })() });
const values = (body: string, files?: Record<string, Uint8Array>): Record<string, unknown> =>
  Object.fromEntries(parseNvsImage(build(body, files)).values.map((v) => [`${v.namespace}:${v.key}`, v.value]));

describe('parseNvsCsv', () => {
  it('drops "#" lines before CSV parsing (even inside quotes), keeps original line numbers, handles CRLF', () => {
    const rows = parseNvsCsv('# c\r\nkey,type,encoding,value\r\nns,namespace\r\n\r\nx,data,string,"a\r\n# dropped\r\nb"\r\ny,data,u8,1');
    expect(rows).toEqual([
      { line: 3, key: 'ns', type: 'namespace' },
      { line: 5, key: 'x', type: 'data', encoding: 'string', value: 'a\nb' },
      { line: 8, key: 'y', type: 'data', encoding: 'u8', value: '1' },
    ]);
  });

  it('takes the columns from the header in any order', () => {
    expect(parseNvsCsv('value,encoding,type,key\n1,u8,data,k\n')).toEqual([{ line: 2, key: 'k', type: 'data', encoding: 'u8', value: '1' }]);
  });

  it.each<[string, Uint8Array | string, string]>([
    ['a BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(HEADER)]), 'line 1: the CSV starts with a UTF-8 byte-order mark'],
    ['invalid UTF-8', new Uint8Array([0x6b, 0x0a, 0x61, 0xff]), 'line 2: the CSV is not valid UTF-8'],
    ['an empty file', '', 'the CSV is empty'],
    ['a header without key/type', 'name,kind\n', 'line 1: the header line must name the columns key,type,encoding,value'],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseNvsCsv(input, undefined)).toThrow(message);
  });

  it('names the file in errors when given', () => {
    expect(() => parseNvsCsv('\ufeffkey', 'cfg.csv')).toThrow('cfg.csv: line 1: the CSV starts with a UTF-8 byte-order mark');
  });
});

describe('buildNvsImageFromCsv', () => {
  it('parses integers like Python int(): spaces, sign, underscores; base 10 only', () => {
    expect(values('ns,namespace,,\na,data,u16," +1_000 "\nb,data,i8,-5\n')).toEqual({ 'ns:a': 1000, 'ns:b': -5 });
    expect(() => build('ns,namespace,,\nx,data,u8,0x10\n')).toThrow('line 3: value "0x10" for key "x" (u8) is not a base-10 integer');
  });

  it('accepts upper-case integer encodings like the generator (which lower-cases them)', () => {
    expect(values('ns,namespace,,\na,data,U32,7\n')).toEqual({ 'ns:a': 7 });
  });

  it('decodes hex2bin (stripped, any case) and base64 leniently like binascii', () => {
    expect(values('ns,namespace,,\nh,data,hex2bin," 0aFF "\nb,data,base64,"SGk=garbage"\nc,data,base64,"S G k ="\n')).toEqual({
      'ns:h': Uint8Array.from([0x0a, 0xff]),
      'ns:b': new TextEncoder().encode('Hi'),
      'ns:c': new TextEncoder().encode('Hi'),
    });
  });

  it.each([
    ['ns,namespace,,\nh,data,hex2bin,abc\n', 'line 3: hex2bin value for key "h" has 3 hex digits; it needs an even number'],
    ['ns,namespace,,\nh,data,hex2bin,zz\n', 'line 3: hex2bin value for key "h" contains "z" at position 1'],
    ['ns,namespace,,\nb,data,base64,SGk\n', 'line 3: base64 value for key "b" is incomplete'],
    ['ns,namespace,,\nx,data,float,1\n', 'line 3: encoding "float" of key "x" is not supported'],
    ['ns,namespace,,\nx,blob,u8,1\n', 'line 3: type "blob" of key "x" is unknown; use namespace, data or file'],
    ['x,data,u8,1\n', 'line 2: key "x" comes before any namespace row'],
    ['ns,namespace,,\nx,data\n', 'line 3: row for key "x" has no encoding column'],
    ['ns,namespace,,\nf,file,binary,missing.bin\n', 'line 3: cannot read file "missing.bin" for key "f": ENOENT'],
    ['ns,namespace,,\nf,data,blob_fill(2;0x00),abc\n', 'line 3: value for key "f" is 3 bytes; blob_fill allows at most 2'],
    ['abcdefghijklmnop,namespace,,\n', 'line 2: key "abcdefghijklmnop" is 16 characters; NVS keys are at most 15'],
  ])('rejects %j', (body, message) => {
    expect(() => build(body)).toThrow(NvsInputError);
    expect(() => build(body)).toThrow(message);
  });

  it('reads file rows through the callback (string gets a NUL, hex2bin is stripped)', () => {
    const files = { 's.txt': new TextEncoder().encode('text\n'), 'h.txt': new TextEncoder().encode('0102\n') };
    expect(values('ns,namespace,,\ns,file,string,s.txt\nh,file,hex2bin,h.txt\n', files)).toEqual({
      'ns:s': 'text\n',
      'ns:h': Uint8Array.from([1, 2]),
    });
  });

  it('keeps the re-opened namespace quirk: later keys get the index of the namespace created last', () => {
    expect(values('a,namespace,,\nx,data,u8,1\nb,namespace,,\na,namespace,,\ny,data,u8,2\n')).toEqual({ 'a:x': 1, 'b:y': 2 });
  });

  it('injects ap.pmk_info (100 zero bytes + PBKDF2-SHA1(pass, ssid, 4096)) once ssid, password and authmode are known', () => {
    const v = values('nvs.net80211,namespace,,\nap.ssid,data,string,MyAP\nap.passwd,data,string,secret123\nap.authmode,data,u8,3\n');
    const expected = new Uint8Array(132);
    expected.set(pbkdf2Sync('secret123', 'MyAP', 4096, 32, 'sha1'), 100);
    expect(v['nvs.net80211:ap.pmk_info']).toEqual(expected);
    expect(v['nvs.net80211:ap.authmode']).toBe(3);
    const open = values('nvs.net80211,namespace,,\nap.ssid,data,string,MyAP\nap.passwd,data,string,x\nap.authmode,data,u8,0\n');
    expect(open['nvs.net80211:ap.pmk_info']).toBeUndefined();
  });
});
