/**
 * The database file holds every org's events and webhook secrets: Lectr
 * creates it readable by its own user only (0600), whatever the umask.
 * SQLite gives the -wal and -shm files the database file's mode. A file
 * that already exists keeps the mode its operator gave it.
 */
import { chmodSync, closeSync, existsSync, openSync } from "node:fs";

export function createPrivateFile(path: string): void {
  if (path.includes(":memory:") || existsSync(path)) return;
  try {
    closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600);
  } catch {
    // a folder that does not exist or cannot be written: the database driver reports it in its own words
  }
}
