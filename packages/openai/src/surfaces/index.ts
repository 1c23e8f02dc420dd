import type { SurfaceName } from '../constants';
import { chatSurface } from './chat';
import { completionsSurface } from './completions';
import { embeddingsSurface } from './embeddings';
import { responsesSurface } from './responses';
import type { Surface } from './surface';

export const SURFACES: Record<SurfaceName, Surface> = {
  chat: chatSurface,
  responses: responsesSurface,
  embeddings: embeddingsSurface,
  completions: completionsSurface,
};
