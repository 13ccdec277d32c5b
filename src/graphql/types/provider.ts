import { builder } from "../builder.ts";

export const Provider = builder.enumType("Provider", {
  description: "The upstream a request went to.",
  values: {
    OPENAI: { value: "openai" },
    ANTHROPIC: { value: "anthropic" },
    GROQ: { value: "groq" },
    GEMINI: { value: "gemini" },
    AZURE: { value: "azure" },
  } as const,
});
