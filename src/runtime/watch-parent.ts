import { runtimeName } from "./name.ts";
import { env } from "./process.ts";

/**
 * In a relaunched process: calls `onOrphaned` if the parent disappears
 * (killed with SIGKILL, which it cannot forward), so no server outlives it.
 */
export function watchParent(onOrphaned: () => void): void {
  const parent = Number(env().LECTR_PARENT_PID);
  if (!parent || runtimeName !== "bun") return;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onOrphaned();
    }
  }, 500);
  (timer as { unref?: () => void }).unref?.();
}
