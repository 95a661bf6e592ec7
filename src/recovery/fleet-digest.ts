/**
 * A fleet's notices, one digest per run: when 30 connectors alarm in the same minute, the on-call
 * person gets one e-mail that lists them, not 30. A CRITICAL notice is never held: it goes out at
 * once, on its own.
 */
import type { Severity } from './model';
import type { Notifier } from './ports';
import { subjectLine } from './render-notice';

/** SNS takes messages up to 256 KiB; a digest longer than this is sent in parts. */
const DIGEST_PART_BYTES = 200 * 1024;

const RANK: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

interface Held {
  readonly connector: string;
  readonly subject: string;
  readonly message: string;
  readonly severity: Severity;
}

export class NoticeDigest {
  private readonly held: Held[] = [];

  constructor(private readonly target: Notifier) {}

  /** The notifier one member's run publishes through. */
  public notifierFor(connector: string): Notifier {
    return {
      publish: async (subject, message, severity = 'INFO') => {
        if (severity === 'CRITICAL') {
          await this.target.publish(subject, message, severity);
        } else {
          this.held.push({ connector, subject, message, severity });
        }
      },
    };
  }

  /** The notices held, in the order they came. */
  public get pending(): readonly Held[] {
    return this.held;
  }

  /**
   * Sends what the run held: one notice as it is, several as one digest (in parts if very long).
   * @throws what the topic throws; the caller logs the notices so that none is lost unseen
   */
  public async flush(): Promise<void> {
    if (this.held.length === 1) {
      const [only] = this.held;
      await this.target.publish(only.subject, only.message, only.severity);
      return;
    }
    const parts: Held[][] = [[]];
    let size = 0;
    for (const h of this.held) {
      const bytes = Buffer.byteLength(h.subject) + Buffer.byteLength(h.message) + 8;
      if (size + bytes > DIGEST_PART_BYTES && parts[parts.length - 1].length > 0) {
        parts.push([]);
        size = 0;
      }
      parts[parts.length - 1].push(h);
      size += bytes;
    }
    for (const [i, part] of parts.entries()) {
      if (part.length === 0) {
        continue;
      }
      const severity = part.reduce<Severity>((worst, h) => (RANK[h.severity] > RANK[worst] ? h.severity : worst), 'INFO');
      const connectors = [...new Set(part.map((h) => h.connector))];
      const of = parts.length > 1 ? ` (part ${i + 1} of ${parts.length})` : '';
      await this.target.publish(
        subjectLine(`[${severity}] Debezium guard fleet: ${part.length} notices${of}: ${connectors.join(', ')}`),
        part.map((h) => `=== ${h.subject}\n\n${h.message}`).join('\n\n'),
        severity,
      );
    }
  }
}
