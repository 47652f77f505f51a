import { languageName } from './language-name.ts';

/** The language of a title beside it: "FR", with its name for screen readers and on hover. */
export function LanguageTag({ lang }: { lang: string | null | undefined }) {
  if (!lang) return <span class="lang-tag muted">?</span>;
  return (
    <abbr class="lang-tag" title={languageName(lang)}>
      {lang.toUpperCase()}
    </abbr>
  );
}
