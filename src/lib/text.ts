/**
 * Text arriving from outside (chat messages, names, CSV cells, form fields)
 * made safe to store: Postgres text cannot hold NUL, and a lone UTF-16
 * surrogate cannot be encoded as UTF-8. Everything else is kept as typed.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function storableText(s: string): string {
  return s.replace(/\u0000/g, '').replace(LONE_SURROGATE, '\ufffd');
}
