// The ports: what the services need from the outside world, in the services' own words.
// Adapters in src/adapters implement them; src/main.ts wires one of each. One module per kind
// under ./ports/, gathered here so importers need one path.
export * from './ports/store-records.js';
export * from './ports/store.js';
export * from './ports/channel.js';
export * from './ports/runtime.js';
