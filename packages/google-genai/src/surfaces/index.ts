import type { SurfaceName } from '../constants';
import { embedSurface } from './embed';
import { generateSurface, streamSurface } from './generate';
import type { Surface } from './surface';

export const SURFACES: Record<SurfaceName, Surface> = {
  generate: generateSurface,
  stream: streamSurface,
  embed: embedSurface,
};
