/**
 * LECTR_PRICES_FILE: a newer price file (the shape of prices.json) laid over
 * the built-in registry at start, so a price change needs no new binary.
 */
import { ConfigError } from "../config.ts";
import { files } from "../runtime/files.ts";
import { builtinPrices, createPriceRegistry, loadPriceRows, mergePriceRows, type PriceRegistry } from "./registry.ts";

/** The built-in registry, or it merged with the file at `path`; a bad file is a ConfigError naming the problem. */
export function loadPriceRegistry(path: string | undefined, base: PriceRegistry = builtinPrices): PriceRegistry {
  if (path === undefined) return base;
  const fail = (problem: string): never => {
    throw new ConfigError(`LECTR_PRICES_FILE ${path}: ${problem}`);
  };
  let text = "";
  try {
    text = files.readText(path);
  } catch (err) {
    fail(`cannot be read (${(err as { code?: string }).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    fail(`is not JSON (${(err as Error).message})`);
  }
  try {
    const rows = loadPriceRows(json);
    // Duplicates within the file are an error of the file, not something the merge may hide.
    createPriceRegistry(rows);
    return createPriceRegistry(mergePriceRows(base.rows, rows));
  } catch (err) {
    return fail((err as Error).message);
  }
}
