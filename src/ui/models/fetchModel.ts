/**
 * A model file from a URL the person gave: fetched once, with a message that says what to do when
 * the URL cannot be read (offline, a page that is not the file, a server that refuses other pages'
 * requests). The bytes are checked against the model's manifest (sha256, tensor names) where the
 * model is loaded, in the worker, so a wrong file fails there with the file's name and hash.
 */
import { InputError } from '../../core/errors.ts';

/** Larger than any model the app runs (IS-Net ~44 MB, ALIKE-N ~1 MB): refuse before reading. */
export const MAX_MODEL_BYTES = 256 << 20;

export interface PickedModel {
  /** The file's name, or the URL it came from. */
  name: string;
  bytes: Uint8Array;
}

/** Fetches the model at `url`; InputError with a plain reason when it cannot. */
export async function fetchModel(url: string, signal?: AbortSignal, fetcher: typeof fetch = fetch): Promise<PickedModel> {
  let parsed: URL;
  try {
    parsed = new URL(url, typeof location !== 'undefined' ? location.href : undefined);
  } catch {
    throw new InputError('is not a URL: give the address of an .onnx file (https://…)', { file: url });
  }
  if (!['http:', 'https:', 'blob:'].includes(parsed.protocol)) throw new InputError('is not an http(s) address: give the address of an .onnx file', { file: url });
  let res: Response;
  try {
    res = await fetcher(parsed.href, { signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new InputError('could not be fetched (offline, or the server does not allow other pages to read it): download the file and open it instead', { file: url });
  }
  if (!res.ok) throw new InputError(`answered HTTP ${res.status}: check the address, or download the file and open it instead`, { file: url });
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('text/html')) throw new InputError('is a web page, not a model file: give the direct address of the .onnx file', { file: url });
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > MAX_MODEL_BYTES) throw new InputError(`is ${(declared / 2 ** 20).toFixed(0)} MB, larger than any model the app runs (${MAX_MODEL_BYTES / 2 ** 20} MB)`, { file: url });
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.byteLength > MAX_MODEL_BYTES) throw new InputError(`is larger than any model the app runs (${MAX_MODEL_BYTES / 2 ** 20} MB)`, { file: url });
  if (bytes.byteLength === 0) throw new InputError('is empty', { file: url });
  return { name: parsed.pathname.split('/').pop() || parsed.href, bytes };
}
