import type * as tf from '@tensorflow/tfjs-core';

/**
 * How an optimizer was made: the factory the user called and the options they passed. It is what
 * `getConfig()` keeps under `recipe`, so that a saved model shows the user's own parameters
 * (`learningRate`, `momentum`, `nesterov`, `form`, …) and `fromConfig` rebuilds the optimizer from
 * them, not only from the derived constants (α, γ or T, b, c).
 */
export interface Recipe {
  /** The factory's name, e.g. `'momentum'`. */
  factory: string;
  /** The options as passed (a JSON copy; ±Infinity and NaN are kept as strings). */
  options: tf.serialization.ConfigDict;
}

type Builder = (options: tf.serialization.ConfigDict) => tf.Optimizer;

const builders = new Map<string, Builder>();
const recipes = new WeakMap<object, Recipe>();

/** A JSON-safe deep copy: non-finite numbers become strings, functions are refused. */
function encode(value: unknown, path: string): tf.serialization.ConfigDictValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return Array.from(value as ArrayLike<unknown>, (x, i) =>
      encode(x, `${path}[${i}]`),
    ) as tf.serialization.ConfigDictArray;
  }
  if (typeof value === 'object') {
    const out: tf.serialization.ConfigDict = {};
    for (const [key, x] of Object.entries(value as object)) {
      if (x !== undefined) out[key] = encode(x, `${path}.${key}`);
    }
    return out;
  }
  throw new Error(
    `withRecipe: option ${path} is a ${typeof value}; a recipe holds JSON values only.`,
  );
}

const nonFinite: Record<string, number> = {
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  NaN: Number.NaN,
};

/** Inverse of `encode`. */
function decode(value: unknown): unknown {
  if (typeof value === 'string' && value in nonFinite) return nonFinite[value];
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, decode(x)]));
  }
  return value;
}

/**
 * Registers a factory under its name, so that a config carrying `{recipe: {factory: name, …}}`
 * rebuilds through it. Call once, next to the factory; later registrations replace earlier ones.
 * @example
 * registerRecipe('myMomentum', (o: {learningRate: number}) => momentum({learningRate: o.learningRate, momentum: 0.9}))
 */
export function registerRecipe<O>(factory: string, build: (options: O) => tf.Optimizer): void {
  builders.set(factory, build as unknown as Builder);
}

/**
 * Records how `optimizer` was made (`factory` and a JSON copy of `options`) and returns it.
 * Factories end with `return withRecipe(new X(...), 'name', options)`.
 * @example
 * const opt = withRecipe(multiscale({alpha: [0.1], gamma: [1]}), 'mySgd', {learningRate: 0.1});
 * recipeOf(opt) // {factory: 'mySgd', options: {learningRate: 0.1}}
 */
export function withRecipe<T extends object>(optimizer: T, factory: string, options: object): T {
  recipes.set(optimizer, {
    factory,
    options: encode(options, 'options') as tf.serialization.ConfigDict,
  });
  return optimizer;
}

/**
 * The factory and options an optimizer was made with (Infinity restored), or undefined for one
 * made by a constructor directly.
 * @example
 * recipeOf(momentum({learningRate: 0.1, momentum: 0.9})) // {factory: 'momentum', options: {learningRate: 0.1, momentum: 0.9}}
 */
export function recipeOf(optimizer: object): Recipe | undefined {
  const recipe = recipes.get(optimizer);
  if (recipe === undefined) return undefined;
  return {
    factory: recipe.factory,
    options: decode(recipe.options) as tf.serialization.ConfigDict,
  };
}

/**
 * `config` plus `recipe` when the optimizer has one: what `getConfig` returns.
 * @example
 * configWithRecipe(momentum({learningRate: 0.1, momentum: 0.9}), {}).recipe // {factory: 'momentum'}
 */
export function configWithRecipe(
  optimizer: object,
  config: tf.serialization.ConfigDict,
): tf.serialization.ConfigDict {
  const recipe = recipes.get(optimizer);
  return recipe === undefined
    ? config
    : { ...config, recipe: { factory: recipe.factory, options: recipe.options } };
}

/**
 * What `fromConfig` does: rebuilds through the recipe's factory when the config has a recipe whose
 * factory is registered and that makes a `cls`; otherwise `fromConstants()` (configs saved before
 * recipes existed, or by a factory not loaded here), keeping the recipe on the result.
 * @example
 * const saved = momentum({learningRate: 0.1, momentum: 0.9}).getConfig();
 * recipeOf(MultiscaleOptimizer.fromConfig(MultiscaleOptimizer, saved)).options // {learningRate: 0.1, momentum: 0.9}
 */
export function restoreFromConfig<T extends tf.serialization.Serializable>(
  cls: tf.serialization.SerializableConstructor<T>,
  config: tf.serialization.ConfigDict,
  fromConstants: () => T,
): T {
  const recipe = config.recipe as unknown as Recipe | undefined;
  if (recipe === undefined || recipe === null || typeof recipe.factory !== 'string') {
    return fromConstants();
  }
  const build = builders.get(recipe.factory);
  if (build !== undefined) {
    const rebuilt = build(decode(recipe.options) as tf.serialization.ConfigDict);
    if (rebuilt instanceof cls)
      return withRecipe(rebuilt, recipe.factory, decode(recipe.options) as object);
    rebuilt.dispose();
  }
  const made = fromConstants();
  return withRecipe(made, recipe.factory, decode(recipe.options) as object);
}
