export { loadDigits, IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES } from './loadDigits.js';
export type { DigitSet, MnistSplit, LoadDigitsOptions } from './loadDigits.js';
export { seededRandom, shuffledIndices } from './seededRandom.js';
