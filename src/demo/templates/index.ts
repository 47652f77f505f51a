import { gov } from './gov.ts';
import { legacy } from './legacy.ts';
import { reference } from './reference.ts';
import { referenceCell } from './reference-cell.ts';
import { scripted } from './scripted.ts';
import type { SiteTemplate } from './site-template.ts';
import { wordpress } from './wordpress.ts';

export const templates = { reference, 'reference-cell': referenceCell, legacy, wordpress, gov, scripted } satisfies Record<string, SiteTemplate>;

export type TemplateName = keyof typeof templates;
