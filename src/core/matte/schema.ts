import { z } from "zod";

/** `background:` of an asset (or defaults); see transparent.ts. */
export const BackgroundField = z
  .enum(["transparent", "opaque"])
  .describe(
    "`transparent`: a cut-out with real alpha. The models cannot return transparency, so the image is generated on pure white (`<name>.white`), edited to pure black with the model's edit variant (`<name>.black`), and the alpha is computed locally from the difference of the two: two paid calls. Needs format png or webp and a model that can edit. `opaque` (default) switches a defaults' `transparent` off.",
  );
