// Run by signals.test.ts in a child process under a storm of signals: a few NiN training steps on the onednn backend
// (with NIN_WINOGRAD=on, Winograd's batched matrix products, the oneDNN kernels that are unsafe under signals), then
// "done". It says "ready" once its SIGUSR2 handler is installed and its primitives are built, and exits a moment after
// "done", handling the signals still on their way.
import { useBackend } from '../../src/engine/backend.js';
import { NiN } from '../../src/model/nin.js';
import { syntheticBatch, trainStep } from '../../src/training/throughput.js';

process.on('SIGUSR2', () => {});
await useBackend('onednn');
const model = new NiN({ resize: 67, lr: 0.05, seed: 0 });
const step = trainStep(model, syntheticBatch(32, 67, model.numClasses), model.configureOptimizers());
step(); // builds the primitives
console.log('ready');
for (let i = 0; i < Number(process.argv[2] ?? 8); i++) step();
console.log('done');
await new Promise((resolve) => setTimeout(resolve, 200));
