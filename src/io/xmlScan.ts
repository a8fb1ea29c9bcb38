// Scanning the XML of a workbook's parts: elements by name (any namespace prefix), their attributes and text, entities undone.

/** Where `<name` (with `prefix`) opens an element at or after `from`: not `<rowBreaks`, not `</row`; -1 if not there. */
export function findOpen(xml: string, tag: string, from: number): number {
  for (let at = xml.indexOf(tag, from); at >= 0; at = xml.indexOf(tag, at + 1)) {
    const next = xml.charCodeAt(at + tag.length);
    // a space, a tab, a line break, '>' or '/'
    if (next === 32 || next === 9 || next === 10 || next === 13 || next === 62 || next === 47) return at;
    if (Number.isNaN(next)) return -2; // the text ends right after the name: more is needed to tell
  }
  return -1;
}

/** One element found by findElement: its start tag's attributes text, its content (empty for `<x/>`), where it ends. */
export interface Element {
  attrs: string;
  content: string;
  end: number;
}

/**
 * The element `name` (prefix included) that opens at or after `from`: undefined when there is none, or when the text
 * ends before it does (`partial` then says where it began, so that a stream can keep that much for the next chunk).
 */
export function findElement(xml: string, name: string, from: number): { element?: Element; partial?: number } {
  const open = findOpen(xml, `<${name}`, from);
  if (open === -1) return {};
  if (open === -2) return { partial: xml.length - name.length - 1 };
  const gt = xml.indexOf('>', open);
  if (gt < 0) return { partial: open };
  const attrs = xml.slice(open + name.length + 1, xml.charCodeAt(gt - 1) === 47 ? gt - 1 : gt);
  if (xml.charCodeAt(gt - 1) === 47) return { element: { attrs, content: '', end: gt + 1 } };
  const close = xml.indexOf(`</${name}>`, gt);
  if (close < 0) return { partial: open };
  return { element: { attrs, content: xml.slice(gt + 1, close), end: close + name.length + 3 } };
}

/** Every element `name` in `xml` (one level: an element of the same name inside another is not looked for). */
export function* elements(xml: string, name: string): Generator<Element> {
  for (let at = 0; ; ) {
    const { element } = findElement(xml, name, at);
    if (!element) return;
    yield element;
    at = element.end;
  }
}

/**
 * An attribute's value from a start tag's attributes text (`r="A1" s="3" t="s"`), entities undone. Read by hand, name
 * after name: a sheet asks for r, t and s of every cell, and a pattern per call was a tenth of reading a sheet.
 */
export function attr(attrs: string, name: string): string | undefined {
  const n = attrs.length;
  for (let i = 0; i < n; ) {
    let c = attrs.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && (c = attrs.charCodeAt(i)) !== 61 && c !== 32 && c !== 9 && c !== 10 && c !== 13) i++;
    const end = i;
    while (i < n && (c = attrs.charCodeAt(i)) !== 61) i++;
    for (i++; i < n && ((c = attrs.charCodeAt(i)) === 32 || c === 9 || c === 10 || c === 13); i++);
    const quote = attrs.charCodeAt(i);
    if (quote !== 34 && quote !== 39) return undefined; // not an attribute list (a damaged tag)
    const close = attrs.indexOf(quote === 34 ? '"' : "'", i + 1);
    if (close < 0) return undefined;
    if (end - start === name.length && attrs.startsWith(name, start)) return unescapeXml(attrs.slice(i + 1, close));
    i = close + 1;
  }
  return undefined;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * XML text as the characters it stands for: the five entities and character references undone, then the escapes a
 * workbook writes for characters XML cannot hold (`_x000D_`; `_x005F_` keeps a literal `_x…_`).
 */
export function unescapeXml(text: string): string {
  let t = text;
  if (t.includes('&')) {
    t = t.replace(/&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
      e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e]!,
    );
  }
  if (t.includes('_x')) t = t.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return t;
}

/**
 * The text of a string item (a shared string's `<si>`, an inline `<is>`): its `<t>` runs, plain or rich, one after
 * another; the phonetic guide (`<rPh>`, pinyin or kana shown above a name) is not part of the text.
 */
export function textOf(xml: string, prefix: string): string {
  const plain = xml.includes(`<${prefix}rPh`) ? xml.replace(new RegExp(`<${prefix}rPh[\\s>][\\s\\S]*?</${prefix}rPh>`, 'g'), '') : xml;
  let text = '';
  for (const t of elements(plain, `${prefix}t`)) text += t.content;
  return unescapeXml(text);
}

/** The namespace prefix (`x:` or '') the root element `name` is written with, once the text has got that far. */
export function prefixOf(xml: string, name: string): string | undefined {
  const m = new RegExp(`<([A-Za-z_][\\w.-]*:)?${name}[\\s>/]`).exec(xml);
  return m ? (m[1] ?? '') : undefined;
}

/**
 * The elements `names` of a large part (a sheet, its shared strings), in document order, as its bytes come (inflated):
 * the text is decoded as it comes and cut after the last whole element; the prefix the root element `root` is
 * written with is told once it is known.
 */
export async function* elementStream(
  bytes: AsyncIterable<Uint8Array>,
  root: string,
  names: string[],
  onPrefix: (p: string) => void,
  onBytes?: (read: number) => void,
): AsyncGenerator<{ name: string; element: Element }> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let tags: string[] | undefined;
  let read = 0;
  /** The whole elements in `text`, then where the text not yet read starts (the rest of the text, when it is all there is). */
  function* scan(all: boolean): Generator<{ name: string; element: Element }, number> {
    const t = tags!;
    const longest = Math.max(...t.map((x) => x.length)) + 1;
    // Where each name next opens (-1: nowhere in the text, -2: the text ends inside its name): searched again only once passed.
    const next: (number | undefined)[] = t.map(() => undefined);
    for (let at = 0; ; ) {
      let first = -1;
      let which = -1;
      let cut = text.length;
      for (let k = 0; k < t.length; k++) {
        if (next[k] === undefined || next[k]! >= 0 && next[k]! < at) next[k] = findOpen(text, `<${t[k]}`, at);
        const pos = next[k]!;
        if (pos === -2) cut = Math.min(cut, text.length - t[k]!.length - 1);
        else if (pos >= 0 && (first < 0 || pos < first)) [first, which] = [pos, k];
      }
      if (first < 0) return all ? text.length : Math.min(cut, Math.max(at, text.length - longest));
      const { element } = findElement(text, t[which]!, first);
      if (!element) return all ? text.length : first;
      yield { name: names[which]!, element };
      at = element.end;
    }
  }
  const known = (): boolean => {
    if (tags) return true;
    const p = prefixOf(text, root);
    if (p === undefined) return false;
    onPrefix(p);
    tags = names.map((n) => `${p}${n}`);
    return true;
  };
  for await (const chunk of bytes) {
    read += chunk.length;
    onBytes?.(read);
    text += decoder.decode(chunk, { stream: true });
    if (!known()) continue;
    text = text.slice(yield* scan(false));
  }
  text += decoder.decode();
  if (known()) yield* scan(true);
}
