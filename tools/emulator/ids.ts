import { createHash } from 'crypto';

/**
 * Deterministic identifiers derived from a seed. Each `stream` has its own counter so that, for example,
 * an extra retried request (which consumes a request id) never shifts the UUIDs of later connectors.
 */
export class IdGenerator {
  private readonly counters = new Map<string, number>();

  constructor(private readonly seed: string) {}

  /** A version-4-shaped UUID, stable for a given (seed, stream, call index). */
  public uuid(stream: string): string {
    const h = this.hex(stream);
    // Force the version nibble to 4 and the variant to 8..b so the result looks like a real v4 UUID.
    const variant = '89ab'[parseInt(h[16], 16) % 4];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** An upper-case alphanumeric token of `length` characters (e.g. a connector's currentVersion). */
  public token(stream: string, length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const h = this.hex(stream);
    let out = '';
    for (let i = 0; i < length; i++) {
      out += alphabet[parseInt(h.slice((i * 2) % 60, ((i * 2) % 60) + 2), 16) % alphabet.length];
    }
    return out;
  }

  private hex(stream: string): string {
    const n = (this.counters.get(stream) ?? 0) + 1;
    this.counters.set(stream, n);
    return createHash('sha256').update(`${this.seed}\u0000${stream}\u0000${n}`).digest('hex');
  }
}
