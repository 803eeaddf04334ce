import { resolve } from 'node:path';
import { importDatasetFolder } from '../src/node/importDatasetFs.ts';
await importDatasetFolder(resolve('../shared/datasets/dtu_scan37'), resolve('out/bench-scenes/dtu_scan37_800'), { scale: 2 });
console.log('done');
