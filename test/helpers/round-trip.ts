import * as tf from '@tensorflow/tfjs';

/** Saves a model with its optimizer (`model.save({includeOptimizer: true})`) into memory. */
export async function saveWithOptimizer(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  return artifacts as tf.io.ModelArtifacts;
}

/**
 * Saves a model with its optimizer to memory and loads it back with `tf.loadLayersModel`, as a
 * user resuming training would.
 */
export async function reloadWithOptimizer(model: tf.LayersModel): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(await saveWithOptimizer(model)));
}
