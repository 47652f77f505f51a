/** Lines that are page furniture wherever they appear inside the article container. */
const JUNK_LINE = new RegExp(
  '^(?:' +
    [
      'advert(?:isement)?s?',
      'sponsored(?: content)?',
      'publicit[eé]',
      'annonce',
      'story continues below(?: advertisement)?',
      'article continues below(?: advertisement)?',
      'continue reading(?: below)?',
      'la suite apr[eè]s (?:cette )?(?:la )?publicit[eé]',
      'this (?:slideshow|video|content|gallery) requires javascript',
      '(?:please )?enable javascript.*',
      'loading(?:\\.\\.\\.|…)?',
      'chargement en cours.*',
      'click (?:here )?to (?:enlarge|expand|zoom)',
      'scroll (?:down )?to continue',
      'view (?:this|the) (?:post|photo|image) on (?:instagram|twitter|facebook)',
      '(?:image|photo|picture|video) (?:copyright|caption|source|credit)\\b.{0,80}',
    ].join('|') +
    ')[.!…]*$',
  'i',
);

/** "Something happened (Image: GETTY)" and other captions that end with their credit. */
const CAPTION_CREDIT = /\((?:images?|photos?|pictures?|credits?|source|cr[eé]dits? photo)\s*:[^)]*\)\s*$/i;
const LINK_LEAD = /^(?:see more|read more|read also|related|more|watch|also read|lire aussi|à lire aussi|a lire aussi|voir aussi|à voir aussi)\s*[:>»-]/i;
const URL_ONLY = /^(?:https?:\/\/|www\.)\S+$/i;
const SHORTCODE = /^\[[a-z_][^\]]*\].*\[\/[a-z_]+\]$/i;

/**
 * True for a line that is furniture by its wording alone: "Advertisement", a bare URL, a caption credit,
 * a "Read more: <link>" teaser, a leftover CMS shortcode. `linkShare` is the share of its characters in links.
 */
export function isJunkLine(text: string, linkShare: number): boolean {
  if (text.length > 300) return false;
  if (JUNK_LINE.test(text) || URL_ONLY.test(text) || SHORTCODE.test(text)) return true;
  if (text.length < 250 && CAPTION_CREDIT.test(text)) return true;
  if (linkShare > 0.5 && LINK_LEAD.test(text)) return true;
  // A whole line that is one shouted link ("SEAN SPICER ELIMINATED FROM …") is a promo for another story.
  return linkShare > 0.9 && text.length >= 20 && text === text.toUpperCase() && /\p{Lu}.*\s.*\p{Lu}.*\s.*\p{Lu}/u.test(text);
}
