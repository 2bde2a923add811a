import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF that Chromium (Skia) printed, for assertions: fonts are
 * Type0 with Identity-H glyph codes and a ToUnicode CMap each, content streams
 * are Flate-compressed, and text is drawn with `<hex> Tj` / `[…] TJ`. Enough to
 * read what a report says; not a general PDF parser.
 */
export function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const objects = new Map<string, { dict: string; stream?: string }>();
  for (const match of source.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const [, id, body] = match as unknown as [string, string, string];
    const streamAt = body.indexOf('stream');
    const dict = streamAt >= 0 ? body.slice(0, streamAt) : body;
    let stream: string | undefined;
    if (streamAt >= 0) {
      const raw = Buffer.from(
        body
          .slice(streamAt + 6)
          .replace(/^\r?\n/, '')
          .replace(/\r?\nendstream\s*$/, ''),
        'latin1',
      );
      try {
        stream = (dict.includes('/FlateDecode') ? inflateSync(raw) : raw).toString('latin1');
      } catch {
        stream = undefined;
      }
    }
    objects.set(id, { dict, stream });
  }

  const cmaps = new Map<string, Map<number, string>>();
  for (const { dict } of objects.values()) {
    for (const fonts of dict.matchAll(/\/Font\s*<<([\s\S]*?)>>/g)) {
      for (const [, name, ref] of fonts[1]!.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) {
        const unicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(ref!)?.dict ?? '')?.[1];
        const cmap = unicode && objects.get(unicode)?.stream;
        if (cmap && !cmaps.has(name!)) cmaps.set(name!, parseCmap(cmap));
      }
    }
  }

  // One line per text object (BT … ET); the runs inside it (split for kerning) join without a space.
  const lines: string[] = [];
  for (const { stream } of objects.values()) {
    if (!stream?.includes('BT')) continue;
    let font = new Map<number, string>();
    for (const [, block] of stream.matchAll(/BT([\s\S]*?)ET/g)) {
      let line = '';
      for (const [, fontName, text] of block!.matchAll(/\/(\w+) [\d.]+ Tf|(\[[^\]]*\]\s*TJ|<[0-9A-Fa-f]*>\s*Tj)/g)) {
        if (fontName) font = cmaps.get(fontName) ?? new Map();
        else if (text)
          for (const [, hex] of text.matchAll(/<([0-9A-Fa-f]*)>/g))
            line += (hex!.match(/.{4}/g) ?? []).map((code) => font.get(parseInt(code, 16)) ?? '').join('');
      }
      lines.push(line);
    }
  }
  return lines.join('\n');
}

function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const unicode = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const [, code, to] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
      map.set(parseInt(code!, 16), unicode(to!));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
    for (const [, from, to, start] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
      for (let code = parseInt(from!, 16), u = parseInt(start!, 16); code <= parseInt(to!, 16); code++, u++)
        map.set(code, String.fromCharCode(u));
  return map;
}
