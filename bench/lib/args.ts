/** The bench scripts' command-line options: `--name value` and bare `--name` flags. */

/** The value after `--name`, or undefined when the option (or its value) is missing. */
export function option(name: string, argv: readonly string[] = process.argv.slice(2)): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function flag(name: string, argv: readonly string[] = process.argv.slice(2)): boolean {
  return argv.includes(`--${name}`);
}
