/**
 * Plain-ASCII spellings of the maths in the layer's comments and messages. VS Code's Unicode
 * highlighting boxes ambiguous characters (γ looks like y) in comments and strings of a file the user
 * owns; the vendored copies say the same in ASCII instead.
 */
const SPELLINGS: Readonly<Record<string, string>> = {
  '→': '->', '←': '<-', '×': 'x', '·': '*', '−': '-', '√': 'sqrt', '≥': '>=', '≤': '<=', '≠': '!=', '≈': '~',
  'γ': 'gamma', 'β': 'beta', 'ε': 'epsilon', '∂': 'd', 'Σ': 'sum', '²': '^2', '…': '...', '—': '-', '–': '-',
  '‘': "'", '’': "'", '“': '"', '”': '"', 'é': 'e',
};

/** `text` with every character of {@link SPELLINGS} spelled out, and any other non-ASCII one as `\uXXXX`. */
export function asciiText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[^\x00-\x7F]/g, (c) => SPELLINGS[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
