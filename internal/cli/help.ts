import type { AnyCommand, FlagSpec } from "./command.ts";

const FLAG_COLUMN = 24;

function flagLine(name: string, spec: FlagSpec): string {
  const head = `  --${name}${spec.placeholder === undefined ? "" : ` ${spec.placeholder}`}`;
  const aliases = spec.aliases?.length ? `; ${spec.aliases.map((a) => `--${a}`).join(", ")} is an alias` : "";
  const [first, ...rest] = `${spec.help}${aliases}`.split("\n");
  const pad = head.length < FLAG_COLUMN ? head.padEnd(FLAG_COLUMN) : `${head}\n${" ".repeat(FLAG_COLUMN)}`;
  return [`${pad}${first}`, ...rest.map((line) => `${" ".repeat(FLAG_COLUMN)}${line}`)].join("\n");
}

/** A command's help, generated from its table entry. */
export function commandHelp(command: AnyCommand): string {
  const groups = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(command.flags)) {
    groups.set(spec.group, [...(groups.get(spec.group) ?? []), flagLine(name, spec)]);
  }
  groups.set("Help", [
    ...(groups.get("Help") ?? []),
    flagLine("help", { kind: "switch", group: "Help", help: "show this help; -h is short for it" }),
  ]);
  const sections = [...groups].map(([group, lines]) => `${group}:\n${lines.join("\n")}`);
  const examples = command.examples.map((e) => `  ${e}`).join("\n");
  return `Usage: sentinel ${command.name} ${command.usage}

${command.description}

${sections.join("\n\n")}

Example${command.examples.length > 1 ? "s" : ""}:
${examples}
`;
}

/** The program's help: commands from the table, the built-in commands and exit statuses. */
export function globalHelp(commands: readonly AnyCommand[]): string {
  const rows = [
    ...commands.map((c) => [`sentinel ${c.name} ${c.usage}`, c.summary]),
    ["sentinel help [COMMAND]", "show the help of sentinel or of a command (also: COMMAND --help)"],
    ["sentinel version", "print version, commit and build target (also: --version)"],
    ["sentinel completion SHELL", "print a completion script for bash, zsh or fish"],
  ];
  const width = Math.max(...rows.map(([usage]) => (usage as string).length)) + 2;
  const lines = rows.map(([usage, summary]) => `  ${(usage as string).padEnd(width)}${summary}`);
  return `sentinel: list, export and audit Sentinel server sessions in DynamoDB

Usage:
${lines.join("\n")}

Example:
  sentinel server-sessions --table sentinel-sessions --since 30d --output csv > sessions.csv

Exit status: 0 ok, 1 runtime failure, 2 usage error, 3 malformed items skipped,
4 audit findings, 130 interrupted (143 on SIGTERM).
`;
}
