// What the Rancher shell adds to every component and that its own type declarations leave out: the
// Nuxt-style `fetch` option the shell runs on creation, and `$fetchState` telling whether it finished.
import type { ComponentPublicInstance } from 'vue';

declare module 'vue' {
  interface ComponentCustomOptions {
    /** Runs when the component is created (the shell's fetch mixin); `$fetchState.pending` until it resolves. */
    fetch?(this: ComponentPublicInstance & Record<string, any>): Promise<void> | void;
  }
  interface ComponentCustomProperties {
    $fetchState: { pending: boolean; error: unknown };
  }
}
