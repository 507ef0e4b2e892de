/**
 * What the shell itself keeps between launches, beside the contract's Settings (which the host's
 * SettingsService validates): the window's bounds and the recent files. Parsed with zod on every
 * read, so a hand-edited or older store file can never feed odd values to the window or the menu.
 */
import { z } from 'zod';

const Coordinate = z.number().int().min(-100_000).max(100_000);

export const WindowBounds = z.object({
  x: Coordinate.optional(),
  y: Coordinate.optional(),
  width: z.number().int().min(400).max(100_000),
  height: z.number().int().min(300).max(100_000),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof WindowBounds>;

export const RecentFile = z.object({
  path: z.string().min(1).max(4096),
  kind: z.enum(['image', 'project']),
});
export type RecentFile = z.infer<typeof RecentFile>;

export const MAX_RECENT = 10;
export const RecentFiles = z.array(RecentFile).max(MAX_RECENT);
