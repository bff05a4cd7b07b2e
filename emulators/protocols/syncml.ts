/**
 * OMA-DM SyncML 1.2 (MS-MDM; entra-mde2.md §8, fleet.md §2.10): the codec both sides use, one module per job:
 * the message model, parsing and building.
 */
export * from './syncml/model.js';
export * from './syncml/parse.js';
export * from './syncml/build.js';
