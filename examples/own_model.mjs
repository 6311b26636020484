// The engine under a TF.js model of your own: stock tfjs-layers, trained on onednn (its convolutions, dense layers
// and pooling in oneDNN, the rest in TF.js's JS kernels), saved and loaded through file:// URLs.
import 'nin-d2l/onednn';
import { tf } from 'nin-d2l';

const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
await model.fit(tf.randomUniform([64, 28, 28, 1]), tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10), {
  epochs: 1,
});
await model.save('file://my-model'); // my-model/model.json + weights.bin
const again = await tf.loadLayersModel('file://my-model/model.json');
console.log(tf.getBackend(), again.countParams()); // onednn 27210
