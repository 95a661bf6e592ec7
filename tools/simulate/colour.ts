/**
 * Colour for the CLI's output on a terminal: plain ANSI codes on a few key parts of the timeline
 * and the table. The run and report functions never colour; only the CLI entry applies this.
 */

const RESET = '\u001b[0m';
const BOLD_RED = '\u001b[1;31m';
const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const YELLOW = '\u001b[33m';
const CYAN = '\u001b[36m';

const paint = (code: string, text: string) => `${code}${text}${RESET}`;

/** Whole lines, by what they say (first match wins). */
const LINE_RULES: { readonly test: RegExp; readonly code: string }[] = [
  { test: /\[Monitor {2}\] ALARM!/, code: BOLD_RED },
  { test: /\[Monitor {2}\] OK -> alarm cleared/, code: GREEN },
  { test: /\[Summary {2}\] incident #\d+ recovered/, code: GREEN },
  { test: /\[Connector\] (SILENT FAILURE!|TASK FAILED!)/, code: YELLOW },
  { test: /\[Lambda {3}\] /, code: CYAN },
  { test: /^INVARIANT BROKEN: /, code: BOLD_RED },
];

/** Parts of other lines (the tables): zero-width codes, so the columns stay aligned. */
const PART_RULES: { readonly test: RegExp; readonly code: string }[] = [
  { test: /NOT RECOVERED/g, code: BOLD_RED },
  { test: /in progress \(interrupted\)/g, code: YELLOW },
  { test: /\bNO \(\d+ -> \d+\)/g, code: RED },
];

/** One output line with its key parts coloured. */
export function colourLine(line: string): string {
  const rule = LINE_RULES.find((r) => r.test.test(line));
  if (rule) {
    return paint(rule.code, line);
  }
  return PART_RULES.reduce((text, r) => text.replace(r.test, (m) => paint(r.code, m)), line);
}

/**
 * What the CLI applies to each line: colour only on a terminal, never when NO_COLOR is set
 * (to anything but the empty string, https://no-color.org) and never with `--json`.
 */
export function linePainter(options: {
  readonly isTTY?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly json?: boolean;
}): (line: string) => string {
  const enabled = options.isTTY === true && !options.env.NO_COLOR && !options.json;
  return enabled ? colourLine : (line) => line;
}
