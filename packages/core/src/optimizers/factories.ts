/**
 * Idiomatic camelCase factories, one per reference optimizer (the same functions as the reference
 * names: `adamGc2 === Adam_GC2`).
 */
import * as advanced from './advanced/index.js';
import * as firstRelease from './firstRelease/index.js';

export const sgdGc = firstRelease.SGD_GC;
export const sgdGcc = firstRelease.SGD_GCC;
export const sgdw = firstRelease.SGDW;
export const sgdwGc = firstRelease.SGDW_GC;
export const sgdwGcc = firstRelease.SGDW_GCC;
export const adamGc = firstRelease.Adam_GC;
export const adamGcc = firstRelease.Adam_GCC;
export const adamGc2 = firstRelease.Adam_GC2;
export const adamGcc2 = firstRelease.Adam_GCC2;
/** First-release AdamW (eps outside the bias correction, decay scaled by lr·sqrt(bc2)/bc1). */
export const adamwFirstRelease = firstRelease.AdamW;
export const adamwGc = firstRelease.AdamW_GC;
export const adamwGcc = firstRelease.AdamW_GCC;
export const adamwGc2 = firstRelease.AdamW_GC2;
export const adamwGcc2 = firstRelease.AdamW_GCC2;
export const adagradGc = firstRelease.Adagrad_GC;
export const adagradGcc = firstRelease.Adagrad_GCC;
export const sgd = advanced.SGD;
export const adam = advanced.Adam;
/** Advanced AdamW (weightDecay 1e-2, gcLoc true by default). */
export const adamw = advanced.AdamW;
export const radam = advanced.RAdam;
export const plainRadam = advanced.PlainRAdam;
export const lookahead = advanced.Lookahead;
export const ranger = advanced.Ranger;
