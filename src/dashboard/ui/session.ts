/** Who is signed in, kept in sessionStorage: gone when the tab closes. */
export type Session = { kind: "key"; key: string } | { kind: "admin"; token: string; orgId?: string; orgName?: string };

const storageKey = "lectr.session";
const listeners = new Set<() => void>();

export const session = {
  get(): Session | null {
    try {
      const raw = sessionStorage.getItem(storageKey);
      return raw ? (JSON.parse(raw) as Session) : null;
    } catch {
      return null;
    }
  },
  set(s: Session | null) {
    if (s) sessionStorage.setItem(storageKey, JSON.stringify(s));
    else sessionStorage.removeItem(storageKey);
    for (const l of listeners) l();
  },
  subscribe(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};
