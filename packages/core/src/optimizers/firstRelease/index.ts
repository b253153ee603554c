/**
 * The 16 classes of the first release (`GC_code/CIFAR100/algorithm/`), keyed by their reference class names
 * (the registry's lookup table; `AdamW` here is the public `AdamW_FirstRelease`).
 */
export { SGD_GC, SGD_GCC, SGDW, SGDW_GC, SGDW_GCC } from './sgd.js';
export { Adam_GC, Adam_GCC, Adam_GC2, Adam_GCC2 } from './adam.js';
export { AdamW_FirstRelease as AdamW, AdamW_GC, AdamW_GCC, AdamW_GC2, AdamW_GCC2 } from './adamW.js';
export { Adagrad_GC, Adagrad_GCC } from './adagrad.js';
