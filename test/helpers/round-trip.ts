import * as tf from '@tensorflow/tfjs';

/**
 * Saves a model with its optimizer to memory (`model.save({includeOptimizer: true})`) and loads
 * it back with `tf.loadLayersModel`, as a user resuming training would.
 */
export async function reloadWithOptimizer(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
}
