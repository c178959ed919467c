export {};
export * from './nvs/node';
