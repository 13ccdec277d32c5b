/** The file path behind a `file:` URL (`file:x.db`, `file:///abs/x.db`, query dropped), or undefined for any other URL. */
export function filePathOf(url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  const rest = url.slice("file:".length).split("?")[0]!;
  return rest.startsWith("//") ? rest.slice(2) : rest;
}
