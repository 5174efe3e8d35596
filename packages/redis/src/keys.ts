/**
 * Key names: `<prefix>:<spec.id>:{<key>}`. The client key is the cluster hash tag, so every limit of
 * one `consumeAll` on the same client key lands in one slot. Braces (and `%`) in the prefix and the
 * limit id are percent-encoded so that they never become the hash tag.
 */
export function stateKey(prefix: string, id: string, key: string): string {
  return `${keyHead(prefix, id)}${key}}`;
}

/** What every state key of limit `id` starts with: `<prefix>:<id>:{`. */
export function keyHead(prefix: string, id: string): string {
  return `${prefix}:${escapeBraces(id)}:{`;
}

/** Percent-encodes `%`, `{` and `}`. */
export function escapeBraces(text: string): string {
  return /[{}%]/.test(text) ? text.replace(/%/g, '%25').replace(/\{/g, '%7B').replace(/\}/g, '%7D') : text;
}
