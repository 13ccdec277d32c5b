import pkg from "../package.json" with { type: "json" };

/** Set at build time for the compiled binary; "dev" when run from source. */
declare const LECTR_COMMIT: string | undefined;

export const version: string = pkg.version;
export const commit: string = typeof LECTR_COMMIT === "string" ? LECTR_COMMIT : "dev";
