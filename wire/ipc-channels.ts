/**
 * The IPC names the preload and the main process share. Requests use the contract's channel names
 * (ipcMain.handle per channel); events from the host all travel on one channel as (name, payload),
 * so the preload listens to exactly one thing.
 */
export const HOST_EVENT_CHANNEL = 'host:event';
