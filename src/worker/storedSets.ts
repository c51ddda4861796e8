// Model sets from the model manager (IndexedDB, or the embedded self-test served by the app's origin) as the
// files the loader needs, by role. Config JSONs are matched to networks by name (diffusers folders keep them as
// transformer/config.json, text_encoder/config.json, vae/config.json).
import { StudioError } from '../lib/errors.ts';
import type { ModelManager } from '../library/manager.ts';
import type { SetInfo } from '../library/managerTypes.ts';
import type { SetFiles } from '../models/zimage/networks.ts';

type StoredFile = Awaited<ReturnType<ModelManager['openSet']>>['files'][number];

function configKey(name: string): 'transformer' | 'text_encoder' | 'vae' | 'controlnet' | null {
  const n = name.toLowerCase();
  if (!n.endsWith('.json') || n.includes('index') || n.includes('tokenizer')) return null;
  if (/control_?net/.test(n)) return 'controlnet';
  if (n.includes('text_encoder')) return 'text_encoder';
  if (n.includes('vae')) return 'vae';
  if (n.includes('transformer') || n === 'config.json' || n.endsWith('/config.json')) return 'transformer';
  return null;
}

export async function storedSet(manager: ModelManager, setId: string): Promise<SetFiles> {
  const { set, files } = await manager.openSet(setId);
  return setFilesOf(setId, set, files);
}

/** A set's files (as the model manager opens them, in catalog order) by the role the loader gives each. */
export function setFilesOf(setId: string, set: Pick<SetInfo, 'label' | 'selfTest' | 'capabilities'>, files: StoredFile[]): SetFiles {
  const byRole = (role: string) => files.filter((f) => f.role === role);
  // A network is one file or several safetensors shards (joined by their own headers).
  const weightsOf = (role: string, what: string): string[] => {
    const found = byRole(role).filter((f) => !f.name.endsWith('.json'));
    if (found.length === 0) throw new StudioError('bad-model-file', `The set "${set.label}" has no ${what} file.`);
    return found.map((f) => f.name).sort();
  };
  const tokenizer = files.find((f) => f.role === 'tokenizer' && f.name.endsWith('tokenizer.json'));
  if (!tokenizer) throw new StudioError('bad-model-file', `The set "${set.label}" has no tokenizer.json.`);
  const configs: Record<string, string> = {};
  for (const f of files) {
    const key = f.role === 'config' || f.name.endsWith('config.json') ? configKey(f.name) : null;
    if (key && !configs[key]) configs[key] = f.name;
  }
  const blobs = new Map(files.map((f) => [f.name, f.blob]));
  return {
    id: setId,
    label: set.label,
    selfTest: Boolean(set.selfTest),
    capabilities: set.capabilities,
    files: {
      transformer: weightsOf('transformer', 'transformer'),
      textEncoder: weightsOf('text_encoder', 'text encoder'),
      vae: weightsOf('vae', 'VAE'),
      tokenizer: tokenizer.name,
      configs,
      previews: byRole('previews').filter((f) => !f.name.endsWith('.json')).map((f) => f.name),
      controlnet: byRole('controlnet').filter((f) => !f.name.endsWith('.json')).map((f) => f.name),
    },
    blob: async (name) => {
      const b = blobs.get(name);
      if (!b) throw new StudioError('bad-model-file', `The set "${set.label}" has no file ${name}.`);
      return b;
    },
  };
}
