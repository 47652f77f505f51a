import { reference } from './reference.ts';
import type { SiteTemplate } from './template.ts';
import { wordpress } from './wordpress.ts';

export const templates = { reference, wordpress } satisfies Record<string, SiteTemplate>;

export type TemplateName = keyof typeof templates;
