const names = new Intl.DisplayNames(['en'], { type: 'language' });

/** "French" for "fr"; the code itself when unknown or not a language code. */
export function languageName(code: string | null | undefined): string {
  if (!code) return 'unknown language';
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}
