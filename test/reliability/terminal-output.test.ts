/**
 * Terminal safety of what the CLI prints (run `npm run build` first): archive strings holding ESC sequences (OSC 52
 * clipboard writes, OSC 0 title changes, OSC 8 links, cursor moves, clear screen, SGR), C1 controls and bidi overrides
 * come out of `--sql` table and markdown output and of the summary as harmless visible characters. Fixtures: item 25
 * of fixtures/sample and fixtures/hostile/escape-actor. json keeps the data exactly and escapes every control; csv
 * keeps the data exactly when piped and is sanitised when printed to a terminal.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, HOSTILE, SAMPLE, UNSAFE_FOR_TERMINAL, outboxText, post, runCli, sandbox, tempDir, removeTempDirs, type Run, type Sandbox } from './helpers.js';

let box: Sandbox;

beforeAll(async () => {
  box = await sandbox();
});
afterAll(removeTempDirs);

function run(args: string[]): Promise<Run> {
  return runCli([...args, '--tz', 'UTC'], { env: box.env, timeoutMs: 20_000 });
}

/** Every line of the output is free of controls (other than the newlines between lines). */
function expectHarmless(output: string): void {
  const bad = [...output].filter((ch) => UNSAFE_FOR_TERMINAL.test(ch)).map((ch) => `U+${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  expect(bad, output).toEqual([]);
  // Raw UTF-8 of C1 controls would be 0xC2 0x80-0x9F.
  expect(Buffer.from(output).includes(Buffer.from([0xc2, 0x9b]))).toBe(false);
}

const ITEM_25 = `select p.cw, p.text, p.html, m.alt_text from posts p join media m on m.post_id = p.id where p.position = 24`;

describe.concurrent('--sql table and markdown output', () => {
  for (const format of ['table', 'markdown']) {
    it(`${format}: item 25 of the sample (content, CW, alt text) shows ESC as ␛ and C1/bidi controls as �`, async () => {
      const r = await run([SAMPLE, '--sql', ITEM_25, '-f', format]);
      expect(r.code, r.stderr).toBe(0);
      expectHarmless(r.stdout);
      expect(r.stdout).toContain('␛]52;c;cHduZWQ=␇');
      expect(r.stdout).toContain('␛[2J');
      expect(r.stdout).toContain('\ufffd');
    });

    it(`${format}: the hostile actor's name, bio and fields, and column names made from archive data`, async () => {
      const r = await run([join(HOSTILE, 'escape-actor'), '--sql', 'select display_name, bio, bio_html, fields from account', '-f', format]);
      expect(r.code, r.stderr).toBe(0);
      expectHarmless(r.stdout);
      expect(r.stdout).toContain('␛]0;');
      const pivot = await run([SAMPLE, '--sql', `pivot (select cw from posts where cw like 'escape%') on cw using count(*)`, '-f', format]);
      expect(pivot.code, pivot.stderr).toBe(0);
      expectHarmless(pivot.stdout);
      expect(pivot.stdout).toContain('escape test ␛[2J');
    });
  }

  it('json keeps the data exactly and escapes every control itself, piped or not', async () => {
    const json = await run([SAMPLE, '--sql', ITEM_25, '-f', 'json']);
    expect(json.code).toBe(0);
    expectHarmless(json.stdout);
    const [row] = JSON.parse(json.stdout) as { cw: string; text: string }[];
    expect(row!.cw).toContain('\u001b[2J');
    expect(`${row!.cw}${row!.text}`).toMatch(/[\u0080-\u009f\u202a-\u202e]/);
  });

  it('csv is the data as it is when piped, and sanitised when printed to a terminal', async () => {
    const piped = await run([SAMPLE, '--sql', ITEM_25, '-f', 'csv']);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('\u001b[2J');
    // `script` gives the CLI a pseudo-terminal as its stdout; stderr (the progress bar, the CLI's own) goes elsewhere.
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, BIN, SAMPLE, '--sql', ITEM_25, '-f', 'csv', '--tz', 'UTC'].map(quote).join(' ');
    const onTerminal = execFileSync('script', ['-qec', `${command} 2>/dev/null`, '/dev/null'], {
      env: { ...process.env, ...box.env, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 20_000,
    }).replace(/\r\n/g, '\n');
    expectHarmless(onTerminal);
    expect(onTerminal).toContain('␛[2J');
    // The same rows, only the unsafe characters replaced.
    expect(onTerminal.split('\n').length).toBe(piped.stdout.split('\n').length);
  });
});

describe.concurrent('the summary', () => {
  it('of the escape actor: display name sanitised, nothing raw', async () => {
    const r = await run([join(HOSTILE, 'escape-actor')]);
    expect(r.code, r.stderr).toBe(0);
    expectHarmless(r.stdout);
    expect(r.stdout).toMatch(/^.*escape-actor: @mallory@hostile\.example \(Mallory.*␛\]52;c;cHduZWQ=␇/);
  });

  it('of the sample (item 25 included)', async () => {
    const r = await run([SAMPLE]);
    expect(r.code, r.stderr).toBe(0);
    expectHarmless(r.stdout);
  });

  it('with load issues that quote hostile archive text (a media URL, a time, an item type)', async () => {
    const dir = join(await tempDir(), 'hostile-issues');
    await mkdir(dir);
    const evil = '\u001b]52;c;cHduZWQ=\u0007\u001b[2J\u009b31m\u202e';
    await writeFile(
      join(dir, 'outbox.json'),
      outboxText([
        post(1, { attachment: [{ type: 'Document', mediaType: 'image/png', url: `/media_attachments/files/${evil}.png` }] }),
        post(2, { published: `2024${evil}` }),
        { type: `Like${evil}` },
      ]),
    );
    const r = await run([dir]);
    expect(r.code, r.stderr).toBe(0);
    expectHarmless(r.stdout);
    expect(r.stdout).toMatch(/media files are referenced by posts but not in the archive/);
    // The issue text quotes the value as JSON (ESC as \u001b); the C1 control and the bidi override become U+FFFD.
    expect(r.stdout).toMatch(/unknown item type "Like\\u001b\]52;c;cHduZWQ=\\u0007\\u001b\[2J\ufffd31m\ufffd"/);
    expect(r.stderr).toBe('');
  });
});
