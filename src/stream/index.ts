/**
 * The progressive splat stream (format in ./README.md): residual-VQ colour, quantised geometry,
 * importance-ordered chunks that decode independently. Platform-agnostic: browser, worker, Node.
 */
export { defaultStages, encodeStream, encodeStreamWithOrder, groupSizes, type EncodeStreamOptions } from './encode.ts';
export { createStreamDecoder, decodeStream, type CloudOptions, type DecodedStream, type DecodeStreamOptions, type StreamDecoder, type StreamWarning } from './decode.ts';
export {
  ChunkKind,
  headerByteLength,
  parseStreamHeader,
  STREAM_MAGIC,
  STREAM_VERSION,
  StreamFormatError,
  totalStreamBytes,
  type ChunkEntry,
  type StreamHeader,
} from './format.ts';
export { splatImportance } from './importance.ts';
