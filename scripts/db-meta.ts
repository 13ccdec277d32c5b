/**
 * Keeps drizzle-kit's metadata (migrations/meta) in step with what Lectr runs:
 * the journal lists every migration in src/db/migrations.ts, and the latest
 * migration's snapshot is src/db/tables.ts, so `npm run db:generate` writes
 * nothing on a clean tree and, after a change to tables.ts, only that change.
 *
 *   bun scripts/db-meta.ts           check; exit 1 and print what differs
 *   bun scripts/db-meta.ts --write   rewrite the journal and the latest snapshot
 *
 * After merging a branch that adds a migration and its tables.ts change, run
 * `npm run db:meta` to bring the metadata up to date, then `npm run db:check`.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api";
import { migrations } from "../src/db/migrations.ts";
import * as tables from "../src/db/tables.ts";

const metaDir = resolve(import.meta.dir, "../migrations/meta");
const journalPath = join(metaDir, "_journal.json");

interface JournalEntry {
  idx: number;
  version: string;
  when: number;
  tag: string;
  breakpoints: boolean;
}

interface Journal {
  version: string;
  dialect: string;
  entries: JournalEntry[];
}

type Snapshot = Awaited<ReturnType<typeof generateSQLiteDrizzleJson>>;

const numberOf = (name: string) => Number(name.slice(0, 4));

function readJournal(): Journal {
  return JSON.parse(readFileSync(journalPath, "utf8")) as Journal;
}

/** The journal the embedded migrations call for; entries keep their first `when`, new ones follow the one before. */
export function expectedJournal(current: Journal = readJournal()): Journal {
  const known = new Map(current.entries.map((e) => [e.tag, e]));
  let when = 0;
  const entries = migrations.map(({ name }) => {
    when = known.get(name)?.when ?? when + 1;
    return { idx: numberOf(name), version: "6", when, tag: name, breakpoints: true };
  });
  return { version: current.version, dialect: current.dialect, entries };
}

/** The snapshot files, oldest first; drizzle-kit diffs tables.ts against the last. */
function snapshotFiles(): string[] {
  return readdirSync(metaDir)
    .filter((f) => /^\d{4}_snapshot\.json$/.test(f))
    .sort();
}

const latestName = () => migrations[migrations.length - 1]!.name;
const snapshotFileOf = (name: string) => `${name.slice(0, 4)}_snapshot.json`;

function readSnapshot(file: string): Snapshot {
  return JSON.parse(readFileSync(join(metaDir, file), "utf8")) as Snapshot;
}

/** What differs: journal entries, a snapshot missing for the latest migration, SQL db:generate would write. */
export async function checkMeta(schema: Record<string, unknown> = tables): Promise<string[]> {
  const problems: string[] = [];
  const journal = readJournal();
  if (JSON.stringify(journal.entries.map((e) => [e.idx, e.tag])) !== JSON.stringify(expectedJournal(journal).entries.map((e) => [e.idx, e.tag])))
    problems.push(`migrations/meta/_journal.json does not list the migrations of src/db/migrations.ts`);
  const files = snapshotFiles();
  // drizzle-kit refuses to generate when two snapshots follow the same one (two branches each wrote one)
  const parents = files.map((f) => readSnapshot(f).prevId);
  const shared = files.filter((_, i) => parents.indexOf(parents[i]!) !== i);
  if (shared.length > 0) problems.push(`snapshots follow the same parent: ${shared.join(", ")} (keep the latest migration's, delete the other)`);
  const wanted = snapshotFileOf(latestName());
  if (files[files.length - 1] !== wanted) problems.push(`the latest snapshot should be migrations/meta/${wanted} (found ${files[files.length - 1]})`);
  else {
    const sql = await generateSQLiteMigration(readSnapshot(wanted), await generateSQLiteDrizzleJson(schema));
    for (const statement of sql) problems.push(`db:generate would write: ${statement}`);
  }
  return problems;
}

/** Rewrites the journal and the latest migration's snapshot from src/db/migrations.ts and src/db/tables.ts. */
export async function writeMeta(): Promise<void> {
  writeFileSync(journalPath, `${JSON.stringify(expectedJournal(), null, 2)}\n`);
  const files = snapshotFiles();
  const wanted = snapshotFileOf(latestName());
  const existing = files.includes(wanted) ? readSnapshot(wanted) : undefined;
  const previous = files.filter((f) => f < wanted).pop();
  const prevId = existing?.prevId ?? (previous ? readSnapshot(previous).id : "00000000-0000-0000-0000-000000000000");
  const snapshot = await generateSQLiteDrizzleJson(tables, prevId);
  snapshot.id = existing?.id ?? snapshot.id;
  writeFileSync(join(metaDir, wanted), `${JSON.stringify(snapshot, null, 2)}\n`);
}

if (import.meta.main) {
  if (process.argv.includes("--write")) await writeMeta();
  const problems = await checkMeta();
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.log(`migrations/meta matches src/db/migrations.ts and src/db/tables.ts (latest: ${latestName()})`);
}
