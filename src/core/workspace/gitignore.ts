/**
 * A small .gitignore matcher (pure): enough of git's rules for the CLI's folder walk to skip what a
 * project ignores (build output, caches, vendored code). Patterns are relative to the .gitignore's folder;
 * the last matching pattern wins and `!` un-ignores; a trailing `/` matches folders only.
 */

interface Rule {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

export class GitIgnore {
  private constructor(private readonly rules: Rule[]) {}

  /** Parses the text of a .gitignore file. */
  static parse(text: string): GitIgnore {
    const rules: Rule[] = [];
    for (const raw of text.split(/\r?\n/)) {
      let line = raw.replace(/(?<!\\)\s+$/, '');
      if (!line || line.startsWith('#')) {
        continue;
      }
      const negate = line.startsWith('!');
      if (negate) {
        line = line.slice(1);
      }
      const dirOnly = line.endsWith('/');
      line = line.replace(/\/+$/, '');
      const anchored = line.includes('/');
      line = line.replace(/^\//, '');
      const body = globToRegex(line);
      rules.push({ regex: new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`), negate, dirOnly });
    }
    return new GitIgnore(rules);
  }

  /** Whether `relativePath` (POSIX separators, relative to the .gitignore's folder) is ignored;
   *  undefined when no pattern speaks about it. */
  matches(relativePath: string, isDirectory: boolean): boolean | undefined {
    let result: boolean | undefined;
    for (const rule of this.rules) {
      if ((!rule.dirOnly || isDirectory) && rule.regex.test(relativePath)) {
        result = !rule.negate;
      }
    }
    return result;
  }
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[++i]!);
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close > i) {
        out += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      } else {
        out += '\\[';
      }
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
