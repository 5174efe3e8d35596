/** Which list an input is on. */
export type Listing = 'allow' | 'deny' | undefined;

type List<TInput> = readonly string[] | ((input: TInput) => boolean);
type Matcher<TInput> = (input: TInput, keys: readonly string[]) => boolean;

/**
 * The allow and deny lists of a policy. A list of keys matches an input when any of the input's limit
 * keys is on it; a predicate is asked about the input. The deny list is checked first.
 */
export class InputScreen<TInput> {
  readonly #allow: Matcher<TInput> | undefined;
  readonly #deny: Matcher<TInput> | undefined;

  constructor(allow: List<TInput> | undefined, deny: List<TInput> | undefined) {
    this.#allow = allow === undefined ? undefined : matcher(allow);
    this.#deny = deny === undefined ? undefined : matcher(deny);
  }

  check(input: TInput, keys: readonly string[]): Listing {
    if (this.#deny?.(input, keys) === true) return 'deny';
    if (this.#allow?.(input, keys) === true) return 'allow';
    return undefined;
  }
}

function matcher<TInput>(list: List<TInput>): Matcher<TInput> {
  if (typeof list === 'function') return (input) => list(input) === true;
  const keys = new Set(list);
  return (_input, inputKeys) => inputKeys.some((key) => keys.has(key));
}
