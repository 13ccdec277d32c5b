/** Reading and writing files the same way on Bun and Deno. */
import { readFileSync, writeFileSync, existsSync } from "node:fs";

export const files = {
  exists: (path: string) => existsSync(path),
  readText: (path: string) => readFileSync(path, "utf8"),
  writeText: (path: string, text: string) => writeFileSync(path, text),
};
