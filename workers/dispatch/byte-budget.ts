/**
 * Bytes held at once by concurrent work in this isolate, first come first served. A request
 * larger than the whole budget runs when it is alone, so nothing waits forever.
 */
export class ByteBudget {
  private held = 0;
  private readonly waiting: { bytes: number; start: () => void }[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves when `bytes` may be held; call the returned function (once) to give them back. */
  async acquire(bytes: number): Promise<() => void> {
    if (this.waiting.length === 0 && this.fits(bytes)) this.held += bytes;
    else await new Promise<void>((start) => this.waiting.push({ bytes, start }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(bytes);
    };
  }

  private fits(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.limit;
  }

  private release(bytes: number): void {
    this.held -= bytes;
    while (this.waiting.length > 0 && this.fits(this.waiting[0].bytes)) {
      const next = this.waiting.shift();
      if (!next) break;
      this.held += next.bytes;
      next.start();
    }
  }
}
