/**
 * Span edits on a scanned TOML document. Each function returns the edits for one
 * change; `applyEdits` splices them into the text. Everything outside the returned
 * spans is left byte for byte, which is the whole point of this module.
 */
import { parse } from 'smol-toml';
import { allEntries, type KeyValue, type Section, type StringStyle, type TomlDoc } from './scan.js';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export type Path = readonly string[];

export function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

export function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}

export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = mergeDeletions(text, edits).sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.end > limit) throw new Error('overlapping TOML edits');
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    limit = e.start;
  }
  return out;
}

/**
 * Removals of neighbouring lines may share a line ending: deletions that touch become one.
 * A deletion of the last lines of a file without a final newline also takes the line ending
 * before them, so the file still ends the way it did (the inverse of lineInsertion).
 */
function mergeDeletions(text: string, edits: readonly Edit[]): Edit[] {
  const deletions = edits.filter((e) => e.text === '').sort((a, b) => a.start - b.start);
  const merged: Edit[] = [];
  for (const d of deletions) {
    const prev = merged.at(-1);
    if (prev && d.start <= prev.end) prev.end = Math.max(prev.end, d.end);
    else merged.push({ ...d });
  }
  const last = merged.at(-1);
  if (last && last.end >= text.length && !text.endsWith('\n') && last.start > 0 && text[last.start - 1] === '\n') {
    last.start -= text[last.start - 2] === '\r' ? 2 : 1;
  }
  return [...merged, ...edits.filter((e) => e.text !== '')];
}

/** A TOML basic string; only what TOML requires is escaped, so non-ASCII stays readable. */
export function basicString(value: string): string {
  const body = value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\t':
        return '\\t';
      case '\r':
        return '\\r';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
  return `"${body}"`;
}

/** Renders a string in the style the user already used for that value, when the value allows it. */
export function renderString(value: string, style: StringStyle = 'basic'): string {
  if (style === 'literal' && !/['\u0000-\u001f\u007f]/.test(value)) return `'${value}'`;
  return basicString(value);
}

export function renderKeySegment(segment: string): string {
  return /^[A-Za-z0-9_-]+$/.test(segment) ? segment : basicString(segment);
}

export function renderKey(segments: Path): string {
  return segments.map(renderKeySegment).join('.');
}

/** A value this tool writes: a string, or an array of strings (a command's arguments). */
export type OwnedValue = string | readonly string[];

export type Fields = ReadonlyArray<readonly [string, OwnedValue]>;

export function renderValue(value: OwnedValue): string {
  return typeof value === 'string' ? basicString(value) : `[${value.map(basicString).join(', ')}]`;
}

export function renderInlineTable(fields: Fields): string {
  return `{ ${fields.map(([k, v]) => `${renderKeySegment(k)} = ${renderValue(v)}`).join(', ')} }`;
}

function endsWithNewline(text: string): boolean {
  return text.endsWith('\n');
}

/** Text to insert at `pos` so that `line` becomes a line of its own, keeping a missing final newline missing. */
function lineInsertion(doc: TomlDoc, pos: number, line: string): Edit {
  const { text, eol } = doc;
  if (pos >= text.length && text.length > 0 && !endsWithNewline(text)) return { start: pos, end: pos, text: eol + line };
  return { start: pos, end: pos, text: line + eol };
}

function indentOf(doc: TomlDoc, kv: KeyValue): string {
  const lead = doc.text.slice(kv.lineStart, kv.keyStart);
  return /^[ \t]*$/.test(lead) ? lead : '';
}

/** Start of the comment lines directly above `lineStart` (no blank line between), which belong to what follows. */
function attachedCommentStart(text: string, lineStart: number): number {
  let start = lineStart;
  while (start > 0) {
    const prevStart = text.lastIndexOf('\n', start - 2) + 1;
    if (!/^[ \t]*#/.test(text.slice(prevStart, start))) break;
    start = prevStart;
  }
  return start;
}

export function rootSection(doc: TomlDoc): Section {
  return doc.sections[0]!;
}

export function rootEntry(doc: TomlDoc, key: string): KeyValue | undefined {
  return rootSection(doc).entries.find((e) => samePath(e.path, [key]));
}

export function findEntry(doc: TomlDoc, path: Path): KeyValue | undefined {
  return allEntries(doc).find((e) => samePath(e.path, path));
}

/** Replaces a value in place, in the user's quoting style; no edit when it already reads the same. */
export function replaceString(doc: TomlDoc, kv: KeyValue, value: string): Edit[] {
  const style = kv.value.kind === 'string' ? kv.value.style : 'basic';
  const rendered = renderString(value, style);
  if (doc.text.slice(kv.valueStart, kv.valueEnd) === rendered) return [];
  return [{ start: kv.valueStart, end: kv.valueEnd, text: rendered }];
}

/**
 * Replaces a value in place: a string in the user's quoting style; an array only when it holds
 * something else (however the user spread it over lines), so an equal value is left alone.
 */
export function replaceValue(doc: TomlDoc, kv: KeyValue, value: OwnedValue): Edit[] {
  if (typeof value === 'string') return replaceString(doc, kv, value);
  if (kv.value.kind === 'array' && sameStrings(doc.text.slice(kv.valueStart, kv.valueEnd), value)) return [];
  return [{ start: kv.valueStart, end: kv.valueEnd, text: renderValue(value) }];
}

function sameStrings(arrayText: string, value: readonly string[]): boolean {
  try {
    const parsed = parse(`v = ${arrayText}`).v;
    return Array.isArray(parsed) && parsed.length === value.length && parsed.every((x, i) => x === value[i]);
  } catch {
    return false;
  }
}

/**
 * Sets a top-level string key. An existing key is changed where it stands; a new one goes
 * after the last top-level key, or, when there is none, before the first table header
 * (and the comments attached to it) with a blank line to keep it apart.
 */
export function setRootString(doc: TomlDoc, key: string, value: string): Edit[] {
  const existing = rootEntry(doc, key);
  if (existing) return replaceString(doc, existing, value);
  const line = `${renderKeySegment(key)} = ${basicString(value)}`;
  const root = rootSection(doc);
  const last = root.entries.at(-1);
  if (last) return [lineInsertion(doc, last.lineEnd, line)];
  const firstTable = doc.sections[1]?.header;
  if (firstTable) {
    const pos = attachedCommentStart(doc.text, firstTable.lineStart);
    return [{ start: pos, end: pos, text: line + doc.eol + doc.eol }];
  }
  return [lineInsertion(doc, doc.text.length, line)];
}

/**
 * Removes top-level keys. When that leaves no top-level key at all, the blank line that
 * setRootString put between its keys and the first table goes too, so the removal is the
 * exact inverse of the insertion.
 */
export function removeRootKeys(doc: TomlDoc, keys: readonly string[]): Edit[] {
  const root = rootSection(doc);
  const doomed = root.entries.filter((e) => e.path.length === 1 && keys.includes(e.path[0]!));
  if (!doomed.length) return [];
  const edits = doomed.map((kv) => lineRemoval(kv.lineStart, kv.lineEnd));
  const last = doomed.at(-1)!;
  const first = doomed[0]!;
  const { text } = doc;
  const blankAfter = /^[ \t]*\r?\n/.exec(text.slice(last.lineEnd));
  const startsClean = first.lineStart === 0 || /(^|\n)[ \t]*\r?\n$/.test(text.slice(0, first.lineStart));
  if (doomed.length === root.entries.length && doc.sections.length > 1 && blankAfter && startsClean) {
    edits.push({ start: last.lineEnd, end: last.lineEnd + blankAfter[0].length, text: '' });
  }
  return edits;
}

/**
 * Removes everything at or under `path`: table sections (with their sub-tables), key lines,
 * and entries of inline tables, wherever the path is defined.
 */
export function removePath(doc: TomlDoc, path: Path): Edit[] {
  const edits: Edit[] = [];
  for (const section of doc.sections) {
    if (section.header && startsWith(section.header.path, path)) {
      edits.push(sectionRemoval(doc, section));
      continue;
    }
    for (const kv of section.entries) {
      if (startsWith(kv.path, path)) edits.push(lineRemoval(kv.lineStart, kv.lineEnd));
      else if (startsWith(path, kv.path)) edits.push(...inlineRemovals(kv, path));
    }
  }
  return edits;
}

/** Removes a header and its key lines; comments after its last key belong to what follows and stay. */
function sectionRemoval(doc: TomlDoc, section: Section): Edit {
  const { text } = doc;
  const header = section.header!;
  const end = section.entries.at(-1)?.lineEnd ?? header.lineEnd;
  let start = header.lineStart;
  // Undo the blank line that separates an appended table, rather than leaving two in a row.
  const blankAfter = end >= text.length || /^[ \t]*\r?\n/.test(text.slice(end));
  if (blankAfter && start > 0) {
    const prevStart = text.lastIndexOf('\n', start - 2) + 1;
    if (/^[ \t]*\r?\n$/.test(text.slice(prevStart, start))) start = prevStart;
  }
  return lineRemoval(start, end);
}

/** Removes whole lines [start, end); applyEdits keeps a missing final newline missing. */
function lineRemoval(start: number, end: number): Edit {
  return { start, end, text: '' };
}

function inlineRemovals(kv: KeyValue, path: Path): Edit[] {
  if (kv.value.kind !== 'inline-table') return [];
  const { entries, open, close } = kv.value;
  const doomed = entries.map((e) => startsWith(e.path, path));
  const edits: Edit[] = [];
  entries.forEach((e, i) => {
    if (!doomed[i] && startsWith(path, e.path)) edits.push(...inlineRemovals(e, path));
  });
  if (doomed.every(Boolean)) return [...edits, { start: open + 1, end: close, text: '' }];
  for (let i = 0; i < entries.length; ) {
    if (!doomed[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < entries.length && doomed[j + 1]) j++;
    if (j + 1 < entries.length) edits.push({ start: entries[i]!.keyStart, end: entries[j + 1]!.keyStart, text: '' });
    else edits.push({ start: entries[i - 1]!.valueEnd, end: entries[j]!.valueEnd, text: '' });
    i = j + 1;
  }
  return edits;
}

/** How an existing table is written, which decides where a missing field goes. */
export type TableForm =
  | { kind: 'header'; section: Section }
  | { kind: 'inline'; kv: KeyValue }
  | { kind: 'dotted'; last: KeyValue }
  | { kind: 'absent' };

export function tableForm(doc: TomlDoc, path: Path): TableForm {
  const section = doc.sections.find((s) => s.header?.kind === 'table' && samePath(s.header.path, path));
  if (section) return { kind: 'header', section };
  const entries = allEntries(doc);
  const inline = entries.find((e) => samePath(e.path, path) && e.value.kind === 'inline-table');
  if (inline) return { kind: 'inline', kv: inline };
  // Keys such as `lightweight.base_url = ...` under [model_providers]: the key itself names the table.
  const dotted = entries.filter(
    (e) => !e.inline && startsWith(e.path, path) && e.path.length > path.length && e.key.length > e.path.length - path.length,
  );
  const last = dotted.at(-1);
  if (last) return { kind: 'dotted', last };
  return { kind: 'absent' };
}

/**
 * Sets `field` of the table at `path`, keeping the table in the form the user wrote it
 * (header table, inline table or dotted keys). Returns no edit when the table does not exist:
 * creating it is the caller's choice.
 */
export function setTableValue(doc: TomlDoc, path: Path, field: string, value: OwnedValue): Edit[] {
  const existing = findEntry(doc, [...path, field]);
  if (existing) return replaceValue(doc, existing, value);
  const form = tableForm(doc, path);
  switch (form.kind) {
    case 'header': {
      const last = form.section.entries.at(-1);
      const indent = last ? indentOf(doc, last) : '';
      const pos = last ? last.lineEnd : form.section.header!.lineEnd;
      return [lineInsertion(doc, pos, `${indent}${renderKeySegment(field)} = ${renderValue(value)}`)];
    }
    case 'dotted': {
      const { last } = form;
      const prefix = last.key.slice(0, last.key.length - (last.path.length - path.length));
      return [lineInsertion(doc, last.lineEnd, `${indentOf(doc, last)}${renderKey([...prefix, field])} = ${renderValue(value)}`)];
    }
    case 'inline':
      return [inlineInsertion(doc, form.kv, `${renderKeySegment(field)} = ${renderValue(value)}`)];
    case 'absent':
      return [];
  }
}

/**
 * Creates the table `name` under the existing table `parent`, in the parent's form: a
 * `[parent.name]` table at the end of the document for a header table, an inline table entry
 * inside an inline table, dotted keys after the parent's last dotted key. No edit when it
 * exists already or the parent does not.
 */
export function createSubTable(doc: TomlDoc, parent: Path, name: string, fields: Fields): Edit[] {
  const path = [...parent, name];
  if (tableForm(doc, path).kind !== 'absent' || findEntry(doc, path)) return [];
  const form = tableForm(doc, parent);
  switch (form.kind) {
    case 'header':
      return [appendTable(doc, path, fields)];
    case 'inline':
      return [inlineInsertion(doc, form.kv, `${renderKeySegment(name)} = ${renderInlineTable(fields)}`)];
    case 'dotted': {
      const { last } = form;
      const prefix = last.key.slice(0, last.key.length - (last.path.length - parent.length));
      const lines = fields.map(([k, v]) => `${indentOf(doc, last)}${renderKey([...prefix, name, k])} = ${renderValue(v)}`);
      return [lineInsertion(doc, last.lineEnd, lines.join(doc.eol))];
    }
    case 'absent':
      return [];
  }
}

/** Adds `entry` (already rendered `key = value`) as the last entry of an inline table. */
export function inlineInsertion(doc: TomlDoc, kv: KeyValue, entry: string): Edit {
  if (kv.value.kind !== 'inline-table') throw new Error('not an inline table');
  const { entries, commas, open, close } = kv.value;
  const last = entries.at(-1);
  if (!last) return { start: open, end: close + 1, text: `{ ${entry} }` };
  const trailingComma = commas.at(-1)!;
  const multiline = doc.text.slice(last.valueEnd, close).includes('\n');
  if (multiline) {
    const lineStart = doc.text.lastIndexOf('\n', last.keyStart - 1) + 1;
    const lead = doc.text.slice(lineStart, last.keyStart);
    const indent = /^[ \t]*$/.test(lead) ? lead : '  ';
    return trailingComma >= 0
      ? { start: trailingComma + 1, end: trailingComma + 1, text: `${doc.eol}${indent}${entry},` }
      : { start: last.valueEnd, end: last.valueEnd, text: `,${doc.eol}${indent}${entry}` };
  }
  return trailingComma >= 0
    ? { start: trailingComma + 1, end: trailingComma + 1, text: ` ${entry},` }
    : { start: last.valueEnd, end: last.valueEnd, text: `, ${entry}` };
}

/** A new `[path]` table at the end of the document, separated by a blank line. */
export function appendTable(doc: TomlDoc, path: Path, fields: Fields): Edit {
  const { text, eol } = doc;
  const lines = [`[${renderKey(path)}]`, ...fields.map(([k, v]) => `${renderKeySegment(k)} = ${renderValue(v)}`)];
  if (text.length === 0) return { start: 0, end: 0, text: lines.join(eol) + eol };
  // Always exactly one blank line before the table, so that removing it (with that line) gives
  // back the very same bytes; a file without a final newline keeps lacking one.
  if (!endsWithNewline(text)) return { start: text.length, end: text.length, text: eol + eol + lines.join(eol) };
  return { start: text.length, end: text.length, text: eol + lines.join(eol) + eol };
}
