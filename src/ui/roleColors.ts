import type { ViewRole } from './splits.ts';

/** One colour per view role, shared by thumbnails (CSS) and frustums (3D). */
export const ROLE_COLORS: Record<ViewRole, string> = {
  train: '#4cc2ff',
  test: '#ffa94d',
  unused: '#6b7280',
  none: '#8ab4f8',
};

export const ROLE_LABELS: Record<ViewRole, string> = {
  train: 'train',
  test: 'test',
  unused: 'not in split',
  none: '',
};
