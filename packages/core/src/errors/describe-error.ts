/** A short rendering of a thrown value for an error message: an Error's message, else the value as text. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : String(error);
}
