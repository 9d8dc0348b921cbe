/** "1.2 M parameters", "12.3 k parameters", "40 parameters": model sizes in one-line messages. */
export function formatParams(params: number): string {
  return params >= 1e6 ? `${(params / 1e6).toFixed(1)} M parameters` : params >= 1e3 ? `${(params / 1e3).toFixed(1)} k parameters` : `${params} parameters`;
}
