/**
 * Finds where every key, value and table header sits in a TOML document, as character
 * offsets into the original text. It does not build values: the document has already
 * been validated by a real parser (see parse.ts), so this only has to be exact about
 * structure (strings, multi-line strings, arrays, inline tables, comments) to let the
 * editor replace or remove precise spans and leave every other byte alone.
 *
 * Accepts TOML 1.1 syntax that Codex accepts too: newlines, comments and a trailing
 * comma inside inline tables.
 */

export type StringStyle = 'basic' | 'literal' | 'ml-basic' | 'ml-literal';

export type Value =
  | { kind: 'string'; style: StringStyle }
  | { kind: 'inline-table'; entries: KeyValue[]; open: number; close: number; commas: number[] }
  | { kind: 'array' }
  | { kind: 'scalar' };

export interface KeyValue {
  /** The key's segments as written, decoded (`a."b.c"` is ["a", "b.c"]). */
  key: string[];
  /** Table path of the enclosing header (or inline table) followed by `key`. */
  path: string[];
  keyStart: number;
  valueStart: number;
  valueEnd: number;
  value: Value;
  /** Start of the line that holds the key. */
  lineStart: number;
  /** Just past the line ending that follows the value (or the end of the text). */
  lineEnd: number;
  /** 1-based line of the key. */
  line: number;
  /** True for an entry inside an inline table. */
  inline: boolean;
}

export interface Header {
  kind: 'table' | 'array';
  path: string[];
  lineStart: number;
  lineEnd: number;
  line: number;
}

export interface Section {
  /** null for the root table (everything before the first header). */
  header: Header | null;
  /** Top-level key/value lines of this section, in order. */
  entries: KeyValue[];
}

export interface TomlDoc {
  text: string;
  /** The line ending new lines should use: the document's first one, else "\n". */
  eol: '\n' | '\r\n';
  sections: Section[];
}

export class TomlScanError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const BARE_KEY = /[A-Za-z0-9_\-\u00b2-\uffff]/;

export function scanToml(text: string): TomlDoc {
  return new Scanner(text).document();
}

class Scanner {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  document(): TomlDoc {
    const t = this.text;
    const eol = /\r\n/.test(t.slice(0, t.indexOf('\n') + 1)) ? '\r\n' : '\n';
    const root: Section = { header: null, entries: [] };
    const sections: Section[] = [root];
    let current = root;
    if (t.charCodeAt(0) === 0xfeff) this.pos = 1;
    for (;;) {
      this.skipSpaces();
      if (this.pos >= t.length) break;
      const c = t[this.pos]!;
      if (c === '\n' || c === '\r') {
        this.newline();
        continue;
      }
      if (c === '#') {
        this.skipComment();
        continue;
      }
      const lineStart = this.lineStartOf(this.pos);
      if (c === '[') {
        const header = this.header(lineStart);
        current = { header, entries: [] };
        sections.push(current);
        continue;
      }
      const base = current.header ? current.header.path : [];
      const kv = this.keyValue(base, false);
      this.endOfLine();
      kv.lineStart = lineStart;
      kv.lineEnd = this.pos;
      current.entries.push(kv);
    }
    return { text: t, eol, sections };
  }

  private fail(message: string): never {
    throw new TomlScanError(`${message} (line ${this.line})`, this.pos);
  }

  private lineStartOf(offset: number): number {
    // Stryker disable next-line ArithmeticOperator: a key never starts at, or one before, a line break
    const nl = this.text.lastIndexOf('\n', offset - 1);
    return nl + 1;
  }

  private skipSpaces(): void {
    const t = this.text;
    while (t[this.pos] === ' ' || t[this.pos] === '\t') this.pos++; // past the end: undefined, which stops it
  }

  /** To the line break; a CRLF's \r goes with the comment (TOML allows no other \r there). */
  private skipComment(): void {
    const t = this.text;
    while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
  }

  private newline(): void {
    const t = this.text;
    if (t[this.pos] === '\r' && t[this.pos + 1] === '\n') this.pos += 2;
    else if (t[this.pos] === '\n') this.pos += 1;
    else this.fail('expected a line break');
    this.line++;
  }

  /** Whitespace, comments and line breaks, as allowed inside arrays and (TOML 1.1) inline tables. */
  private skipBlank(): void {
    const t = this.text;
    for (;;) {
      this.skipSpaces();
      const c = t[this.pos];
      if (c === '#') this.skipComment();
      else if (c === '\n' || c === '\r') this.newline();
      else return;
    }
  }

  /** After a value or header: spaces, an optional comment, then a line break or the end. */
  private endOfLine(): void {
    this.skipSpaces();
    if (this.text[this.pos] === '#') this.skipComment();
    if (this.pos < this.text.length) this.newline();
  }

  private header(lineStart: number): Header {
    const t = this.text;
    const line = this.line;
    const isArray = t[this.pos + 1] === '[';
    this.pos += isArray ? 2 : 1;
    this.skipSpaces();
    const path = this.key();
    this.skipSpaces();
    if (isArray ? t.slice(this.pos, this.pos + 2) !== ']]' : t[this.pos] !== ']') this.fail('unterminated table header');
    this.pos += isArray ? 2 : 1;
    this.endOfLine();
    return { kind: isArray ? 'array' : 'table', path, lineStart, lineEnd: this.pos, line };
  }

  private keyValue(base: string[], inline: boolean): KeyValue {
    const line = this.line;
    const keyStart = this.pos;
    const key = this.key();
    this.skipSpaces();
    if (this.text[this.pos] !== '=') this.fail('expected "=" after a key');
    this.pos++;
    this.skipSpaces();
    const path = [...base, ...key];
    const valueStart = this.pos;
    const value = this.value(path);
    return {
      key,
      path,
      keyStart,
      valueStart,
      valueEnd: this.pos,
      value,
      lineStart: keyStart,
      lineEnd: this.pos,
      line,
      inline,
    };
  }

  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      parts.push(this.simpleKey());
      this.skipSpaces();
      if (this.text[this.pos] !== '.') return parts;
      this.pos++;
      this.skipSpaces();
    }
  }

  private simpleKey(): string {
    const t = this.text;
    const c = t[this.pos];
    if (c === '"') {
      const start = this.pos;
      this.basicString();
      return decodeBasic(t.slice(start + 1, this.pos - 1));
    }
    if (c === "'") {
      const start = this.pos;
      this.literalString();
      return t.slice(start + 1, this.pos - 1);
    }
    const start = this.pos;
    while (BARE_KEY.test(t[this.pos] ?? '')) this.pos++;
    if (this.pos === start) this.fail('expected a key');
    return t.slice(start, this.pos);
  }

  private value(path: string[]): Value {
    const t = this.text;
    if (t.startsWith('"""', this.pos)) {
      this.multiline('"');
      return { kind: 'string', style: 'ml-basic' };
    }
    if (t.startsWith("'''", this.pos)) {
      this.multiline("'");
      return { kind: 'string', style: 'ml-literal' };
    }
    const c = t[this.pos];
    if (c === '"') {
      this.basicString();
      return { kind: 'string', style: 'basic' };
    }
    if (c === "'") {
      this.literalString();
      return { kind: 'string', style: 'literal' };
    }
    if (c === '[') {
      this.array();
      return { kind: 'array' };
    }
    if (c === '{') return this.inlineTable(path);
    this.scalar();
    return { kind: 'scalar' };
  }

  private basicString(): void {
    const t = this.text;
    this.pos++;
    // Stryker disable next-line EqualityOperator: one step past the end reads undefined and ends the same way
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === '\\') this.pos += 2;
      else if (c === '"') {
        this.pos++;
        return;
      } else if (c === '\n') this.fail('line break inside a string');
      else this.pos++;
    }
    this.fail('unterminated string');
  }

  private literalString(): void {
    const end = this.text.indexOf("'", this.pos + 1);
    if (end === -1) this.fail('unterminated string');
    this.pos = end + 1;
  }

  /** A """ or ''' string; the closing delimiter may be followed by up to two more quotes that belong to the content. */
  private multiline(q: '"' | "'"): void {
    const t = this.text;
    const delim = q.repeat(3);
    this.pos += 3;
    // Stryker disable next-line EqualityOperator: one step past the end reads undefined and ends the same way
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (q === '"' && c === '\\') {
        this.pos += 2;
        continue;
      }
      if (t.startsWith(delim, this.pos)) {
        this.pos += 3;
        let extra = 0;
        // Stryker disable next-line EqualityOperator,ConditionalExpression: valid TOML never has a sixth quote here
        while (extra < 2 && t[this.pos] === q) {
          this.pos++;
          // Stryker disable next-line UpdateOperator: with valid TOML the loop ends at the next character either way
          extra++;
        }
        return;
      }
      if (c === '\n') this.line++;
      this.pos++;
    }
    this.fail('unterminated multi-line string');
  }

  private array(): void {
    const t = this.text;
    this.pos++;
    for (;;) {
      this.skipBlank();
      if (t[this.pos] === ']') {
        this.pos++;
        return;
      }
      if (this.pos >= t.length) this.fail('unterminated array');
      // Stryker disable next-line ArrayDeclaration: values inside arrays are not recorded, so their path is unused
      this.value([]);
      this.skipBlank();
      if (t[this.pos] === ',') this.pos++;
      else if (t[this.pos] !== ']') this.fail('expected "," or "]" in an array');
    }
  }

  private inlineTable(path: string[]): Value {
    const t = this.text;
    const open = this.pos;
    this.pos++;
    const entries: KeyValue[] = [];
    // Stryker disable next-line ArrayDeclaration: read only after an entry, which pushes its own comma first
    const commas: number[] = [];
    for (;;) {
      this.skipBlank();
      if (t[this.pos] === '}') {
        this.pos++;
        return { kind: 'inline-table', entries, open, close: this.pos - 1, commas };
      }
      if (this.pos >= t.length) this.fail('unterminated inline table');
      entries.push(this.keyValue(path, true));
      this.skipBlank();
      if (t[this.pos] === ',') {
        commas.push(this.pos);
        this.pos++;
      } else {
        commas.push(-1);
        if (t[this.pos] !== '}') this.fail('expected "," or "}" in an inline table');
      }
    }
  }

  /** Numbers, booleans, dates and times; a date and a time may be separated by one space. */
  private scalar(): void {
    const t = this.text;
    const start = this.pos;
    const stop = /[\s,\]}#]/;
    while (this.pos < t.length && !stop.test(t[this.pos]!)) this.pos++;
    // Stryker disable next-line LogicalOperator,ConditionalExpression,Regex: in valid TOML a date followed by " HH:" is a date-time, however loosely this is tested
    if (/^\d{4}-\d{2}-\d{2}$/.test(t.slice(start, this.pos)) && t[this.pos] === ' ' && /^\d{2}:/.test(t.slice(this.pos + 1, this.pos + 4))) {
      this.pos++;
      while (this.pos < t.length && !stop.test(t[this.pos]!)) this.pos++;
    }
    if (this.pos === start) this.fail('expected a value');
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

/** Decodes the body of a single-line basic string (used for quoted keys). */
export function decodeBasic(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return SIMPLE_ESCAPES[e] ?? e;
  });
}

/** Every key/value in the document, including entries nested in inline tables, in text order. */
export function allEntries(doc: TomlDoc): KeyValue[] {
  const out: KeyValue[] = [];
  const visit = (kv: KeyValue) => {
    out.push(kv);
    if (kv.value.kind === 'inline-table') kv.value.entries.forEach(visit);
  };
  for (const s of doc.sections) s.entries.forEach(visit);
  return out;
}
