/** The engine panel's actions: execution provider, model bundle, restart. The host reports the outcome through engine:status. */
import type { ProviderChoice } from '../../main/contract.ts';
import type { ActionContext } from './action-context.ts';

export function engineActions(ctx: ActionContext) {
  const { store, api } = ctx;
  return {
    /** Saves the provider choice; the host reloads the model on it. */
    async setProvider(provider: ProviderChoice): Promise<void> {
      store.update({ providerSetting: provider });
      await ctx.attempt(() => api.invoke('settings:set', { engine: { provider } }));
    },

    /** Electron: pick another model bundle (e.g. OpenAI's converted weights); the host loads it. */
    async chooseModel(): Promise<void> {
      await ctx.attempt(() => api.invoke('model:choose-dialog', {}));
    },

    /** Back to the model that ships with the app. */
    async switchToDefaultModel(): Promise<void> {
      await ctx.attempt(() => api.invoke('settings:set', { engine: { bundleDir: null } }));
    },

    async restartEngine(): Promise<void> {
      await ctx.attempt(async () => store.update({ engine: await api.invoke('engine:restart', {}) }));
    },
  };
}
