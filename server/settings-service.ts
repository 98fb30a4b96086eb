/**
 * Settings per resource, pulled from the client with `workspace/configuration` for each workspace
 * folder (section `netpolScope`) and cached until the configuration changes. Clients without that
 * capability push settings (didChangeConfiguration, or initializationOptions.settings).
 */
import type { Connection } from 'vscode-languageserver';
import { defaultSettings, normaliseSettings } from '../shared/settings.js';
import type { Settings } from '../shared/settings.js';
import type { SourceFile } from '../shared/source/source-file.js';
import type { Folder, PathMap } from './uris.js';

export class SettingsService {
  private readonly cache = new Map<string, Promise<Settings>>();
  private pushed: Settings = defaultSettings;

  constructor(
    private readonly connection: Connection,
    private readonly capabilities: { readonly configuration: boolean },
    private readonly folders: () => readonly Folder[],
  ) {}

  setInitializationOptions(options: unknown): void {
    const settings = (options as { settings?: unknown } | null | undefined)?.settings;
    if (settings !== undefined) this.pushed = normaliseSettings(settings);
  }

  /** didChangeConfiguration payload: `{ netpolScope: {...} }` for push-model clients. */
  setPushed(payload: unknown): void {
    const section = (payload as { netpolScope?: unknown } | null | undefined)?.netpolScope;
    if (section !== undefined) this.pushed = normaliseSettings(section);
  }

  clear(): void {
    this.cache.clear();
  }

  forFolder(folder: Folder | undefined): Promise<Settings> {
    if (!this.capabilities.configuration) return Promise.resolve(this.pushed);
    const key = folder?.uri ?? '';
    let settings = this.cache.get(key);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: folder?.uri, section: 'netpolScope' })
        .then(normaliseSettings, () => this.pushed);
      this.cache.set(key, settings);
    }
    return settings;
  }

  /** Settings for rule behaviour (the first folder's) and severities per file (its folder's). */
  async resolve(
    paths: PathMap,
  ): Promise<{ analysisSettings: Settings; settingsFor: (file: SourceFile) => Settings }> {
    const folders = this.folders();
    const perFolder = new Map<string, Settings>();
    for (const folder of folders) perFolder.set(folder.uri, await this.forFolder(folder));
    const fallback = folders.length > 0 ? perFolder.get(folders[0]!.uri)! : await this.forFolder(undefined);
    const settingsFor = (file: SourceFile): Settings => {
      const uri = paths.uri(file.path);
      const folder = uri ? paths.folderOf(uri) : undefined;
      return (folder && perFolder.get(folder.uri)) ?? fallback;
    };
    return { analysisSettings: fallback, settingsFor };
  }
}
