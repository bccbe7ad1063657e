import type { CommandInfo, FlagSpec } from "./command.ts";

const FLAG_COLUMN = 24;
/** The width of help that is not shown on a terminal. */
export const DEFAULT_HELP_WIDTH = 80;
/** Narrower terminals still get lines this long: the flag column needs room beside it. */
const MIN_HELP_WIDTH = 40;

/**
 * The width help is wrapped to: COLUMNS when set to a number, else the
 * terminal's width when stdout is one, else 80.
 */
export function helpWidth(io: {
  env: Readonly<Record<string, string | undefined>>;
  stdoutIsTTY: boolean;
  stdoutColumns?: number;
}): number {
  const fromEnv = /^\d{1,4}$/.test(io.env.COLUMNS ?? "") ? Number(io.env.COLUMNS) : undefined;
  const columns = fromEnv ?? (io.stdoutIsTTY ? io.stdoutColumns : undefined);
  return columns === undefined || columns === 0 ? DEFAULT_HELP_WIDTH : Math.max(MIN_HELP_WIDTH, columns);
}

/**
 * Breaks `text` (one line) into lines of at most `width`, after a space (which
 * is dropped) or a comma; continuation lines start with `indent` spaces and end
 * the previous one with `joint`. A word longer than a whole line is cut.
 * @example wrapLine("  --columns LIST  id,user,profile", 26, 18) // ["  --columns LIST  id,user,", "                  profile"]
 */
export function wrapLine(text: string, width: number, indent: number, joint = ""): string[] {
  const lines: string[] = [];
  const pad = " ".repeat(indent);
  let rest = text;
  while (rest.length > width) {
    const room = width - joint.length;
    let cut = -1;
    // The indent itself is no break: a break there would leave an empty line.
    const floor = lines.length === 0 ? (/^ */.exec(rest)?.[0].length ?? 0) : indent;
    for (let i = room; i > floor; i--) {
      if (rest[i] === " " || rest[i - 1] === ",") {
        cut = i;
        break;
      }
    }
    if (cut === -1) cut = room;
    lines.push(`${rest.slice(0, cut).trimEnd()}${joint}`);
    rest = `${pad}${rest.slice(cut).trimStart()}`;
  }
  lines.push(rest);
  return lines;
}

function flagLines(name: string, spec: FlagSpec, width: number): string[] {
  const head = `  --${name}${spec.placeholder === undefined ? "" : ` ${spec.placeholder}`}`;
  const aliases = spec.aliases?.length ? `; ${spec.aliases.map((a) => `--${a}`).join(", ")} is an alias` : "";
  // One paragraph, filled to the width: a line break of its own would leave a short line there.
  const text = `${spec.help}${aliases}`.replace(/\s*\n\s*/g, " ");
  const lines =
    head.length < FLAG_COLUMN ? [`${head.padEnd(FLAG_COLUMN)}${text}`] : [head, `${" ".repeat(FLAG_COLUMN)}${text}`];
  return lines.flatMap((line) => (line === head ? [line] : wrapLine(line, width, FLAG_COLUMN)));
}

/**
 * Paragraph text wrapped to `width`: the lines of a paragraph (up to a blank
 * line, or an indented line, which keeps its own indent) flow as one.
 */
function wrapText(text: string, width: number): string {
  const flowing: string[] = [];
  for (const line of text.split("\n")) {
    const previous = flowing.length === 0 ? "" : (flowing[flowing.length - 1] as string);
    if (line !== "" && previous !== "" && !line.startsWith(" ") && !previous.startsWith(" ")) {
      flowing[flowing.length - 1] = `${previous} ${line}`;
    } else flowing.push(line);
  }
  return flowing.flatMap((line) => wrapLine(line, width, /^ */.exec(line)?.[0].length ?? 0)).join("\n");
}

/** Example command lines: wrapped lines end in ` \` so each still pastes as one command. */
function exampleLines(examples: readonly string[], width: number): string {
  return examples.flatMap((e) => wrapLine(`  ${e}`, width, 4, " \\")).join("\n");
}

/** A command's help, generated from its table entry and wrapped to `width`. */
export function commandHelp(command: CommandInfo, width = DEFAULT_HELP_WIDTH): string {
  const groups = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(command.flags)) {
    groups.set(spec.group, [...(groups.get(spec.group) ?? []), ...flagLines(name, spec, width)]);
  }
  groups.set("Help", [
    ...(groups.get("Help") ?? []),
    ...flagLines("help", { kind: "switch", group: "Help", help: "show this help; -h is short for it" }, width),
  ]);
  const sections = [...groups].map(([group, lines]) => `${group}:\n${lines.join("\n")}`);
  return `${wrapText(`Usage: sentinel ${command.name} ${command.usage}`, width)}

${wrapText(command.description, width)}

${sections.join("\n\n")}

Example${command.examples.length > 1 ? "s" : ""}:
${exampleLines(command.examples, width)}
`;
}

/** Rows of `usage  summary`, the summaries in one column, wrapped under it. */
function commandRows(rows: readonly (readonly [string, string])[], width: number): string {
  const column = Math.max(...rows.map(([usage]) => usage.length)) + 4;
  return rows
    .flatMap(([usage, summary]) =>
      column + 30 <= width
        ? wrapLine(`  ${usage.padEnd(column - 2)}${summary}`, width, column)
        : [...wrapLine(`  ${usage}`, width, 4), ...wrapLine(`      ${summary}`, width, 6)],
    )
    .join("\n");
}

/** The help of a command group (`sentinel audit --help`): its commands, one line each. */
export function groupHelp(group: string, commands: readonly CommandInfo[], width = DEFAULT_HELP_WIDTH): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  return `${wrapText(`Usage: sentinel ${group} COMMAND [flags]`, width)}

Commands:
${commandRows(
  members.map((c) => [`sentinel ${c.name} ${c.usage}`, c.summary] as const),
  width,
)}

${wrapText(`Run sentinel ${group} COMMAND --help for the flags of one.`, width)}
`;
}

/** The program's help: commands from the table, the built-in commands and exit statuses. */
export function globalHelp(commands: readonly CommandInfo[], width = DEFAULT_HELP_WIDTH): string {
  const rows = [
    ...commands.map((c) => [`sentinel ${c.name} ${c.usage}`, c.summary] as const),
    ["sentinel help [COMMAND]", "show the help of sentinel or of a command (also: COMMAND --help)"] as const,
    ["sentinel version", "print version, commit and build target (also: --version)"] as const,
    ["sentinel completion SHELL", "print a completion script for bash, zsh or fish"] as const,
  ];
  return `${wrapText("sentinel: list, export and audit Sentinel server sessions in DynamoDB", width)}

Usage:
${commandRows(rows, width)}

Example:
${exampleLines(["sentinel server-sessions --table sentinel-sessions --since 30d --output csv > sessions.csv"], width)}

${wrapText("Exit status: 0 ok, 1 runtime failure, 2 usage error, 3 malformed items skipped, 4 audit findings, 5 integrity failure (logs or evidence), 130 interrupted (143 on SIGTERM).", width)}
`;
}
