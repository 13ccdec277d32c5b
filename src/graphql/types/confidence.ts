import { builder } from "../builder.ts";

export const Confidence = builder.enumType("Confidence", {
  description:
    "HIGH: at least 80% of the requests are tagged (X-Lectr-Task) with tasks the target handles well. HEURISTIC: judged from output length and error rate only, because the traffic is mostly untagged.",
  values: ["HEURISTIC", "HIGH"] as const,
});
