export * from './enums.js';
export * from './install-base.js';
export * from './people.js';
export * from './requests.js';
export * from './orders.js';
export * from './platform.js';
