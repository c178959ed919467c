// jest-environment-node without Node's own fetch API; tests use the real one (Node >= 18).
const { TestEnvironment } = require('jest-environment-node');

class NodeWithFetchEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['fetch', 'Request', 'Response', 'Headers', 'FormData', 'AbortSignal', 'AbortController', 'structuredClone']) {
      if (this.global[name] === undefined && globalThis[name] !== undefined) this.global[name] = globalThis[name];
    }
  }
}

module.exports = NodeWithFetchEnvironment;
