import type { ResolvedAsset } from "../../core/project.js";

interface Entry {
  key: string;
  assets: ResolvedAsset[];
}

/**
 * Expanded assets of each manifest, reused while the manifest's text and the config are the
 * same (watch mode reloads after every save; only the saved manifest is expanded again).
 * Manifests with local reference files are always expanded again, since their files may change.
 */
export class LoadCache {
  private readonly entries = new Map<string, Entry>();

  get(file: string, key: string): ResolvedAsset[] | undefined {
    const e = this.entries.get(file);
    return e && e.key === key ? e.assets : undefined;
  }

  set(file: string, key: string, assets: ResolvedAsset[]): void {
    if (assets.some((a) => a.spec.references.some((r) => r.kind === "file"))) this.entries.delete(file);
    else this.entries.set(file, { key, assets });
  }
}
