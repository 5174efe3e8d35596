/** A call passed the deadline of a timeout policy. */
export interface TimeoutElapsed {
  readonly policy: string;
  readonly timeoutMs: number;
}
