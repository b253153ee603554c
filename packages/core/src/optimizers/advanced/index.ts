/** The 7 classes of the advanced release (`algorithm-GC/algorithm/`), under their reference names. */
export { SGD } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export { RAdam, PlainRAdam } from './radam.js';
export { Lookahead } from './lookahead.js';
export { Ranger } from './ranger.js';
