// The company's knowledge for the model: markdown (and plain text) files in one folder, read
// once at start and capped, so a prompt never grows past what the model and the bill allow.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const EXTENSIONS = new Set(['.md', '.markdown', '.txt']);
/** A folder's README explains the folder to people; it is not knowledge. */
const SKIPPED = /^readme\.(md|markdown|txt)$/i;

export interface Knowledge {
  /** File sections joined, each headed by its path; '' when there is none. */
  text: string;
  files: string[];
  /** Characters left out because of the cap. */
  truncatedChars: number;
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(full, base)));
    else if (entry.isFile() && EXTENSIONS.has(path.extname(entry.name).toLowerCase())) found.push(path.relative(base, full));
  }
  return found.sort();
}

/** Reads every knowledge file under `dir` (sorted by path) up to `maxChars` in total. */
export async function loadKnowledge(dir: string, maxChars: number): Promise<Knowledge> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`knowledge folder not found: ${dir}`);
  const files = await listFiles(dir);
  const sections: string[] = [];
  let used = 0;
  let truncatedChars = 0;
  for (const file of files) {
    const body = (await readFile(path.join(dir, file), 'utf8')).trim();
    if (!body) continue;
    // Sections are separated by a blank line; the separator counts against the cap too.
    const section = `${sections.length ? '\n' : ''}### ${file.split(path.sep).join('/')}\n\n${body}\n`;
    const room = maxChars - used;
    const kept = section.slice(0, Math.max(0, room));
    truncatedChars += section.length - kept.length;
    if (kept) sections.push(kept);
    used += kept.length;
  }
  return { text: sections.join(''), files, truncatedChars };
}
