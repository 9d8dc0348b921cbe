/**
 * Reading and writing source files without losing anything: UTF-8 (with or without BOM) and UTF-16 with
 * a BOM round-trip byte for byte; binary, huge and undecodable files are refused with a clear reason.
 * Writes are atomic: a temp file in the same folder, then rename, so a crash never leaves half a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFsError } from './source-files';

/** Source files above this size are refused (generated bundles, data dumps). */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

export type SourceEncoding = 'utf8' | 'utf16le' | 'utf16be';

export interface SourceText {
  /** The text without its BOM. */
  text: string;
  bom: boolean;
  encoding: SourceEncoding;
  /** Modification time when read, to refuse writing over a file changed meanwhile. */
  mtimeMs: number;
}

export type ReadResult = ({ ok: true } & SourceText) | { ok: false; error: string };

/** Reads a source file, or says in one line why it cannot be used. Never throws. */
export function readSourceFile(file: string): ReadResult {
  let bytes: Buffer;
  let mtimeMs: number;
  try {
    const stat = fs.statSync(file);
    if (stat.size > MAX_SOURCE_BYTES) {
      return { ok: false, error: `too large (${(stat.size / 1024 / 1024).toFixed(1)} MB > ${MAX_SOURCE_BYTES / 1024 / 1024} MB): not a hand-written source file` };
    }
    mtimeMs = stat.mtimeMs;
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { ok: false, error: describeFsError(error, 'cannot read') };
  }
  const decoded = decodeSource(bytes);
  return 'error' in decoded ? { ok: false, error: decoded.error } : { ok: true, ...decoded, mtimeMs };
}

/** Decodes bytes of a source file (pure). */
export function decodeSource(bytes: Uint8Array): Omit<SourceText, 'mtimeMs'> | { error: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), bom: true, encoding: 'utf16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), bom: true, encoding: 'utf16be' };
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  if (body.subarray(0, 8000).includes(0)) {
    return { error: 'binary file (contains NUL bytes): not a source file' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), bom, encoding: 'utf8' };
  } catch {
    return { error: 'not valid UTF-8 (an odd encoding such as Latin-1?): save it as UTF-8 first' };
  }
}

/** Encodes text back the way it was read (same encoding, BOM if it had one). */
export function encodeSource(text: string, like: Pick<SourceText, 'bom' | 'encoding'>): Buffer {
  if (like.encoding === 'utf8') {
    return Buffer.from((like.bom ? '\uFEFF' : '') + text, 'utf8');
  }
  const le = Buffer.from((like.bom ? '\uFEFF' : '') + text, 'utf16le');
  return like.encoding === 'utf16le' ? le : le.swap16();
}

/** Writes atomically: temp file next to the target, fsync, rename. The target keeps its mode, and a
 *  symbolic link stays a link (the file it points to is replaced, not the link). */
export function writeFileAtomic(target: string, data: Uint8Array | string): void {
  const file = resolveLink(target);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let mode: number | undefined;
  try {
    mode = fs.statSync(file).mode;
  } catch {
    mode = undefined;
  }
  try {
    const fd = fs.openSync(temp, 'wx', mode ?? 0o644);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

function resolveLink(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file; // a new file
  }
}
