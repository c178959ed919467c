export {};
export * from './nvs/node';
export * from './image/node';
