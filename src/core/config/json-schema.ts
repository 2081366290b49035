import { z } from "zod";
import { ManifestSchema } from "../manifest/schema.js";
import { ConfigSchema } from "./schema.js";

/** The JSON Schemas in `schema/`, generated from the zod schemas (never edited by hand). */
export function jsonSchemas(): Record<string, unknown> {
  const gen = (schema: z.ZodType, id: string, title: string) => ({
    ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }),
    $id: `https://nanobanana.dev/schema/${id}`,
    title,
  });
  return {
    "nanobanana.config.schema.json": gen(ConfigSchema, "nanobanana.config.schema.json", "nanobanana.config.yaml"),
    "manifest.schema.json": gen(ManifestSchema, "manifest.schema.json", "nanobanana manifest"),
  };
}
