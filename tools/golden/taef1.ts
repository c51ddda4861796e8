// Golden taef1_* cases (../shared/golden README): TAEF1 decode and encode against taesd.py, with the model loaded
// from both published namings: the two taesd.py files named by the case's `encoder` / `decoder` metadata (bare
// nn.Sequential keys), and the same weights renamed to diffusers AutoencoderTiny keys (`encoder.layers.<k>`,
// `decoder.layers.<k - 1>`) in one file, written here. Weights at their stored precision (f32).
import type { Gpu } from '../../src/engine/gpu.ts';
import { compareArrays } from '../../src/lib/compare.ts';
import { loadTaef1 } from '../../src/models/zimage/loadTaef1.ts';
import type { Taef1 } from '../../src/models/zimage/taef1.ts';
import { type ModelFile, openModelFile } from '../../src/weights/modelFile.ts';
import { REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { BlobSource, BytesSource } from '../../src/weights/source.ts';
import { writeSafetensors, type WriteTensor } from '../safetensorsWriter.ts';

type Report = (file: string, tensor: string, maxErr: number, tol: number) => void;

async function open(base: string, name: string): Promise<ModelFile> {
  const res = await fetch(base + name);
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
  return openModelFile(new BlobSource(await res.blob(), name));
}

async function floats(f: ModelFile, name: string): Promise<{ data: Float32Array; shape: number[] }> {
  const t = await f.loadTensor(name, REFERENCE_POLICY);
  if (t.kind !== 'f32') throw new Error(`${name} is not float data`);
  return { data: t.data, shape: t.shape };
}

/** The taesd.py encoder + decoder files as one diffusers AutoencoderTiny file. */
async function asDiffusers(encoder: ModelFile, decoder: ModelFile): Promise<ModelFile> {
  const out: WriteTensor[] = [];
  for (const [file, prefix, shift] of [[encoder, 'encoder', 0], [decoder, 'decoder', -1]] as const) {
    for (const name of file.tensors.keys()) {
      const [k, ...rest] = name.split('.');
      out.push({ name: `${prefix}.layers.${Number(k) + shift}.${rest.join('.')}`, ...(await floats(file, name)), dtype: 'F32' });
    }
  }
  return openModelFile(new BytesSource(writeSafetensors(out)));
}

export async function runTaef1Cases(gpu: Gpu, base: string, files: string[], report: Report): Promise<number> {
  const cases = files.filter((f) => f.startsWith('taef1_') && f.endsWith('.safetensors'));
  const models = new Map<string, Taef1>(); // by "<naming>:<encoder>+<decoder>"
  let ran = 0;
  for (const f of cases) {
    const c = await open(base, f);
    const names = [...c.tensors.keys()];
    if (!names.some((n) => n.startsWith('decode.') || n.startsWith('encode.'))) continue; // a model file, not a case
    const meta = c.metadata;
    const encName = String(meta.get('encoder') ?? 'taef1_encoder.safetensors');
    const decName = String(meta.get('decoder') ?? 'taef1_decoder.safetensors');
    for (const naming of ['taesd.py', 'diffusers'] as const) {
      const key = `${naming}:${encName}+${decName}`;
      let m = models.get(key);
      if (!m) {
        const [enc, dec] = [await open(base, encName), await open(base, decName)];
        m = await loadTaef1(gpu, naming === 'taesd.py' ? [dec, enc] : [await asDiffusers(enc, dec)], { encoder: true, convWeights: 'f32' });
        models.set(key, m);
      }
      const label = `${f} [${naming} names]`;
      const check = async (got: Float32Array, want: string) => {
        const w = (await floats(c, want)).data;
        report(label, want, got.length === w.length ? compareArrays(got, w, 0).relToMax : Infinity, 1e-3);
      };
      if (c.tensors.has('decode.in.z')) {
        const z = await floats(c, 'decode.in.z');
        const tz = gpu.upload(z.data, z.shape, 'f32', 'decode.in.z');
        const img = m.decode(tz);
        await check(await gpu.read(img), 'decode.out.image');
        tz.release();
        img.release();
      }
      if (c.tensors.has('encode.in.image')) {
        const x = await floats(c, 'encode.in.image');
        const tx = gpu.upload(x.data, x.shape, 'f32', 'encode.in.image');
        const lat = m.encode(tx);
        await check(await gpu.read(lat), 'encode.out.latent');
        tx.release();
        lat.release();
      }
    }
    ran++;
  }
  for (const m of models.values()) m.release();
  return ran;
}
