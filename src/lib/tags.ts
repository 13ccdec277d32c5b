/** The X-Lectr-Feature and X-Lectr-Task tags recorded on each event. */
import { fail, ok, type Result } from "./result.ts";

export const tasks = [
  "chat",
  "classification",
  "extraction",
  "summarization",
  "generation",
  "code",
  "reasoning",
  "embedding",
  "other",
] as const;
export type Task = (typeof tasks)[number];

export const maxFeatureLength = 128;

export interface Tags {
  feature: string | null;
  task: Task | null;
}

export type TagError = { kind: "invalid_task"; value: string } | { kind: "invalid_feature"; length: number };

export function parseTags(feature: string | null, task: string | null): Result<Tags, TagError> {
  const f = feature?.trim() || null;
  if (f !== null && f.length > maxFeatureLength) return fail({ kind: "invalid_feature", length: f.length });
  let t: Task | null = null;
  if (task !== null && task.trim() !== "") {
    const v = task.trim().toLowerCase();
    if (!(tasks as readonly string[]).includes(v)) return fail({ kind: "invalid_task", value: task });
    t = v as Task;
  }
  return ok({ feature: f, task: t });
}
