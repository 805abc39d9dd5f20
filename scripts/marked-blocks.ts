/**
 * Generated blocks inside hand-written pages: the text between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->` is replaced; the prose around it stays as written.
 */
export function fillBlock(text: string, name: string, content: string, where: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${where} has no ${start} … ${end} block`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}
