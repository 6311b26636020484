// A gradient of this engine's own that applies only while its backend runs: TF.js keeps one gradient per kernel for
// all backends, and reads its saved tensors and function when it records a kernel on the tape. So the config
// registered here answers with `config` when the kernel ran on `backend` and with TF.js's gradient otherwise,
// and each tape node keeps the gradient (and the saved tensors) of the backend it ran on.
import * as tf from '@tensorflow/tfjs-core';

export function backendScoped(backend: string, config: tf.GradConfig): tf.GradConfig {
  const stock = tf.getGradient(config.kernelName);
  if (!stock) return config; // TF.js has none to keep
  const pick = () => (tf.getBackend() === backend ? config : stock);
  return {
    kernelName: config.kernelName,
    get inputsToSave() {
      return pick().inputsToSave;
    },
    get outputsToSave() {
      return pick().outputsToSave;
    },
    get saveAllInputs() {
      return pick().saveAllInputs;
    },
    get gradFunc() {
      return pick().gradFunc;
    },
  };
}
